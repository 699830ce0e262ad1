import { type ServedStage, type ServedVersion } from './served-version';

interface Entry {
  champion: ServedVersion | null;
  shadows: Map<string, ServedVersion>;
}

/** A version as the table reports it (GET /models, readiness). */
export interface ServedVersionInfo {
  version: string;
  stage: ServedStage;
  loadedAt: number;
  inFlight: number;
}

/**
 * The versions a scorer serves, per model: at most one champion and any number of shadows.
 * Changes are single assignments (JavaScript runs one request at a time), so a request sees either
 * the old champion or the new one, never a half-loaded one; a replaced version is retired, not
 * disposed, while requests still use it.
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
    return entry.shadows.get(version) ?? null;
  }

  /** Makes `next` the champion (null: none); the previous champion is retired unless it stays as a shadow. */
  setChampion(modelId: string, next: ServedVersion | null): void {
    const entry = this.entry(modelId);
    const previous = entry.champion;
    if (previous === next) return;
    if (next) entry.shadows.delete(next.version);
    entry.champion = next;
    if (previous && !entry.shadows.has(previous.version)) previous.retire();
  }

  addShadow(modelId: string, shadow: ServedVersion): void {
    const entry = this.entry(modelId);
    const previous = entry.shadows.get(shadow.version);
    entry.shadows.set(shadow.version, shadow);
    if (previous && previous !== shadow && entry.champion !== previous) previous.retire();
  }

  /** Stops shadowing a version; retired unless it is (now) the champion. */
  removeShadow(modelId: string, version: string): void {
    const entry = this.entries.get(modelId);
    const shadow = entry?.shadows.get(version);
    if (!entry || !shadow) return;
    entry.shadows.delete(version);
    if (entry.champion !== shadow) shadow.retire();
  }

  modelIds(): string[] {
    return [...this.entries.keys()];
  }

  describe(modelId: string): ServedVersionInfo[] {
    const entry = this.entries.get(modelId);
    if (!entry) return [];
    const info = (v: ServedVersion, stage: ServedStage): ServedVersionInfo => ({
      version: v.version,
      stage,
      loadedAt: v.loadedAt,
      inFlight: v.active,
    });
    return [
      ...(entry.champion ? [info(entry.champion, 'CHAMPION')] : []),
      ...[...entry.shadows.values()].map((v) => info(v, 'SHADOW')),
    ];
  }

  /** Retires everything (shutdown). */
  clear(): void {
    for (const entry of this.entries.values()) {
      entry.champion?.retire();
      for (const s of entry.shadows.values()) s.retire();
    }
    this.entries.clear();
  }

  private entry(modelId: string): Entry {
    let entry = this.entries.get(modelId);
    if (!entry) {
      entry = { champion: null, shadows: new Map() };
      this.entries.set(modelId, entry);
    }
    return entry;
  }
}
