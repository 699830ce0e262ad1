import { type ServedStage, type ServedVersion } from './served-version';

interface Entry {
  champion: ServedVersion | null;
  shadows: Map<string, ServedVersion>;
  /** The champion before the current one, kept loaded and warm so a rollback swaps at once. */
  standby: ServedVersion | null;
}

/** A version as the table reports it (GET /models, readiness). */
export interface ServedVersionInfo {
  version: string;
  /** STANDBY: the previous champion, kept warm for a rollback; takes no traffic. */
  stage: ServedStage | 'STANDBY';
  loadedAt: number;
  inFlight: number;
}

/**
 * The versions a scorer serves, per model: at most one champion and any number of shadows.
 * Changes are single assignments (JavaScript runs one request at a time), so a request sees either
 * the old champion or the new one, never a half-loaded one. The replaced champion stays loaded as
 * the model's standby (a rollback to it is one assignment); the standby it replaces is retired, and
 * disposed once no request uses it.
 */
export class ModelTable {
  private readonly entries = new Map<string, Entry>();

  champion(modelId: string): ServedVersion | null {
    return this.entries.get(modelId)?.champion ?? null;
  }

  shadows(modelId: string): ServedVersion[] {
    const shadows = this.entries.get(modelId)?.shadows;
    return shadows && shadows.size > 0 ? [...shadows.values()] : [];
  }

  /** The loaded version of that number, in either role (a shadow promoted to champion is reused). */
  find(modelId: string, version: string): ServedVersion | null {
    const entry = this.entries.get(modelId);
    if (!entry) return null;
    if (entry.champion?.version === version) return entry.champion;
    if (entry.standby?.version === version) return entry.standby;
    return entry.shadows.get(version) ?? null;
  }

  /**
   * Makes `next` the champion (null: none). The previous champion becomes the standby (unless it is
   * also a shadow); the former standby is retired.
   */
  setChampion(modelId: string, next: ServedVersion | null): void {
    const entry = this.entry(modelId);
    const previous = entry.champion;
    if (previous === next) return;
    if (next) entry.shadows.delete(next.version);
    if (entry.standby === next) entry.standby = null;
    entry.champion = next;
    if (previous && !entry.shadows.has(previous.version)) {
      const former = entry.standby;
      entry.standby = previous;
      if (former && former !== previous) former.retire();
    }
  }

  addShadow(modelId: string, shadow: ServedVersion): void {
    const entry = this.entry(modelId);
    const previous = entry.shadows.get(shadow.version);
    entry.shadows.set(shadow.version, shadow);
    if (entry.standby === shadow) entry.standby = null;
    if (previous && previous !== shadow && entry.champion !== previous) previous.retire();
  }

  /** Stops shadowing a version; retired unless it is (now) the champion. */
  removeShadow(modelId: string, version: string): void {
    const entry = this.entries.get(modelId);
    const shadow = entry?.shadows.get(version);
    if (!entry || !shadow) return;
    entry.shadows.delete(version);
    if (entry.champion !== shadow && entry.standby !== shadow) shadow.retire();
  }

  modelIds(): string[] {
    return [...this.entries.keys()];
  }

  describe(modelId: string): ServedVersionInfo[] {
    const entry = this.entries.get(modelId);
    if (!entry) return [];
    const info = (v: ServedVersion, stage: ServedVersionInfo['stage']): ServedVersionInfo => ({
      version: v.version,
      stage,
      loadedAt: v.loadedAt,
      inFlight: v.active,
    });
    return [
      ...(entry.champion ? [info(entry.champion, 'CHAMPION')] : []),
      ...[...entry.shadows.values()].map((v) => info(v, 'SHADOW')),
      ...(entry.standby ? [info(entry.standby, 'STANDBY')] : []),
    ];
  }

  /** Retires everything (shutdown). */
  clear(): void {
    for (const entry of this.entries.values()) {
      entry.champion?.retire();
      entry.standby?.retire();
      for (const s of entry.shadows.values()) s.retire();
    }
    this.entries.clear();
  }

  private entry(modelId: string): Entry {
    let entry = this.entries.get(modelId);
    if (!entry) {
      entry = { champion: null, shadows: new Map(), standby: null };
      this.entries.set(modelId, entry);
    }
    return entry;
  }
}
