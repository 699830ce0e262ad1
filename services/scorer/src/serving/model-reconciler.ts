import { type DesiredModel, type VersionSpec } from './desired-state';
import { type ModelTable } from './model-table';
import { type ServedStage, type ServedVersion } from './served-version';

/** Loads, verifies and warms up one version; rejects with the reason it cannot be served. */
export type VersionLoader = (
  modelId: string,
  spec: VersionSpec,
  stage: ServedStage,
) => Promise<ServedVersion>;

/** What the reconciler reports (logs and metrics). */
export interface ReconcilerListener {
  loaded?(modelId: string, version: string, stage: ServedStage, durationMs: number): void;
  loadFailed?(modelId: string, version: string, stage: ServedStage, error: unknown, retryInMs: number): void;
  championChanged?(modelId: string, from: string | null, to: string | null): void;
  shadowsChanged?(modelId: string, shadows: string[]): void;
}

export interface ReconcilerOptions {
  /** First retry delay after a failed load; doubles per failure up to maxRetryMs. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** Monotonic clock, ms. */
  readonly now?: () => number;
  readonly schedule?: (fn: () => void, ms: number) => { unref?: () => void };
}

interface ModelState {
  running: Promise<void> | null;
  dirty: boolean;
  failures: Map<string, { attempts: number; error: string }>;
  retry: { unref?: () => void } | null;
}

export interface ModelServingStatus {
  /** The champion the registry names (null: none). */
  readonly wantedChampion: string | null;
  /** The champion being served (null: none yet). */
  readonly servedChampion: string | null;
  readonly wantedShadows: readonly string[];
  readonly servedShadows: readonly string[];
  /** Versions whose last load failed, with the reason. */
  readonly failures: Readonly<Record<string, string>>;
}

/**
 * Drives the model table towards what the registry wants: loads (and warms up) a new champion
 * while the old one keeps serving, then swaps them in one assignment; loads and drops shadows; a
 * shadow promoted to champion is swapped in without reloading. A failed load leaves the table as it
 * was and is retried with exponential back-off. Work is serialised per model and coalesced: changes
 * arriving during a load are applied by one more pass afterwards.
 */
export class ModelReconciler {
  private readonly models = new Map<string, ModelState>();
  private stopped = false;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly now: () => number;
  private readonly schedule: NonNullable<ReconcilerOptions['schedule']>;

  constructor(
    private readonly table: ModelTable,
    private readonly load: VersionLoader,
    private readonly desired: (modelId: string) => DesiredModel | undefined,
    private readonly listener: ReconcilerListener = {},
    options: ReconcilerOptions = {},
  ) {
    this.retryMs = options.retryMs ?? 1_000;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
    this.now = options.now ?? (() => performance.now());
    this.schedule = options.schedule ?? ((fn, ms) => setTimeout(fn, ms));
  }

  /** Brings the model's served versions in line with the registry; resolves when this pass is done. */
  request(modelId: string): Promise<void> {
    const state = this.state(modelId);
    if (state.running) {
      state.dirty = true;
      return state.running;
    }
    state.running = this.run(modelId, state).finally(() => (state.running = null));
    return state.running;
  }

  /** Resolves once no model has a pass running (tests, shutdown). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.models.values()].map((s) => s.running).filter((p) => p !== null);
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  status(modelId: string): ModelServingStatus {
    const want = this.desired(modelId);
    const failures = this.models.get(modelId)?.failures ?? new Map();
    return {
      wantedChampion: want?.champion?.version ?? null,
      servedChampion: this.table.champion(modelId)?.version ?? null,
      wantedShadows: want?.shadows.map((s) => s.version) ?? [],
      servedShadows: this.table.shadows(modelId).map((s) => s.version),
      failures: Object.fromEntries([...failures].map(([v, f]) => [v, f.error])),
    };
  }

  private state(modelId: string): ModelState {
    let state = this.models.get(modelId);
    if (!state) {
      state = { running: null, dirty: false, failures: new Map(), retry: null };
      this.models.set(modelId, state);
    }
    return state;
  }

  private async run(modelId: string, state: ModelState): Promise<void> {
    do {
      state.dirty = false;
      if (this.stopped) return;
      await this.pass(modelId, state);
    } while (state.dirty);
  }

  private async pass(modelId: string, state: ModelState): Promise<void> {
    const want = this.desired(modelId) ?? { champion: null, shadows: [] };
    const target = want.champion;
    const current = this.table.champion(modelId);
    if (!target) {
      if (current) {
        this.table.setChampion(modelId, null);
        this.listener.championChanged?.(modelId, current.version, null);
      }
    } else if (current?.version !== target.version) {
      const loaded =
        this.table.find(modelId, target.version) ?? (await this.tryLoad(modelId, target, 'CHAMPION', state));
      // The registry may have moved on while the version loaded: install only what is still wanted.
      if (loaded && this.desired(modelId)?.champion?.version === target.version && !this.stopped) {
        const previous = this.table.champion(modelId);
        this.table.setChampion(modelId, loaded);
        this.listener.championChanged?.(modelId, previous?.version ?? null, loaded.version);
      } else if (loaded && !this.table.find(modelId, loaded.version)) {
        loaded.retire();
        state.dirty = true;
      }
    }
    const wanted = new Set(want.shadows.map((s) => s.version));
    let changed = false;
    for (const spec of want.shadows) {
      if (this.table.shadows(modelId).some((s) => s.version === spec.version)) continue;
      const loaded = await this.tryLoad(modelId, spec, 'SHADOW', state);
      if (!loaded) continue;
      const stillWanted = this.desired(modelId)?.shadows.some((s) => s.version === spec.version) ?? false;
      if (stillWanted && !this.stopped) {
        this.table.addShadow(modelId, loaded);
        changed = true;
      } else {
        loaded.retire();
        state.dirty = true;
      }
    }
    for (const shadow of this.table.shadows(modelId)) {
      if (!wanted.has(shadow.version)) {
        this.table.removeShadow(modelId, shadow.version);
        changed = true;
      }
    }
    if (changed)
      this.listener.shadowsChanged?.(
        modelId,
        this.table.shadows(modelId).map((s) => s.version),
      );
  }

  private async tryLoad(
    modelId: string,
    spec: VersionSpec,
    stage: ServedStage,
    state: ModelState,
  ): Promise<ServedVersion | null> {
    const started = this.now();
    try {
      const loaded = await this.load(modelId, spec, stage);
      state.failures.delete(spec.version);
      this.listener.loaded?.(modelId, spec.version, stage, this.now() - started);
      return loaded;
    } catch (error) {
      const previous = state.failures.get(spec.version);
      const attempts = (previous?.attempts ?? 0) + 1;
      const retryInMs = Math.min(this.maxRetryMs, this.retryMs * 2 ** (attempts - 1));
      state.failures.set(spec.version, {
        attempts,
        error: error instanceof Error ? error.message : String(error),
      });
      this.listener.loadFailed?.(modelId, spec.version, stage, error, retryInMs);
      if (!state.retry && !this.stopped) {
        state.retry = this.schedule(() => {
          state.retry = null;
          void this.request(modelId);
        }, retryInMs);
        state.retry.unref?.();
      }
      return null;
    }
  }
}
