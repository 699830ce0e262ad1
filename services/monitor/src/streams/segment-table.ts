import { type ReferenceProfile } from '@continuum/drift';
import { ALL_TRAFFIC } from './stream-identity';

export interface SegmentTablesJSON {
  /** [modelId, key, values in first-seen order]. */
  tables: Array<[string, string, string[]]>;
}

/**
 * Bounded segments per source partition. For a segment key the reference profile has segment
 * references for, the segments are the profile's: its tracked values (the reference's most frequent)
 * as `key=value`, every other value in `key=other` — the same on every partition, and each window
 * compared with its own segment's reference. For other keys, the first `maxPerKey` values seen for
 * a model (in offset order) are tracked as `key=value`, later values count in `key=other`. Either way
 * a pure function of the partition's records and references, so every instance (and every replay)
 * assigns an event to the same segments.
 */
export class SegmentTables {
  private readonly tables = new Map<string, Map<string, Set<string>>>();

  constructor(
    readonly keys: readonly string[],
    readonly maxPerKey: number,
  ) {}

  /**
   * The segments an event of `modelId` with these tags counts in: '*' first, then one per key it
   * carries. `reference`: the profile the event is windowed against (its segment values win).
   */
  segmentsOf(
    modelId: string,
    tags: Readonly<Record<string, string>>,
    reference?: ReferenceProfile,
  ): string[] {
    const out = [ALL_TRAFFIC];
    if (this.keys.length === 0) return out;
    let perModel = this.tables.get(modelId);
    for (const key of this.keys) {
      const value = tags[key];
      // An event without the tag counts in '*' only: it belongs to no segment of that key.
      if (typeof value !== 'string') continue;
      const referenceValues = reference?.segmentValues(key);
      if (referenceValues) {
        out.push(referenceValues.includes(value) ? `${key}=${value}` : `${key}=other`);
        continue;
      }
      if (!perModel) this.tables.set(modelId, (perModel = new Map()));
      let tracked = perModel.get(key);
      if (!tracked) perModel.set(key, (tracked = new Set()));
      if (tracked.has(value)) out.push(`${key}=${value}`);
      else if (tracked.size < this.maxPerKey) {
        tracked.add(value);
        out.push(`${key}=${value}`);
      } else out.push(`${key}=other`);
    }
    return out;
  }

  toJSON(): SegmentTablesJSON {
    const tables: SegmentTablesJSON['tables'] = [];
    for (const [modelId, perModel] of this.tables) {
      for (const [key, values] of perModel) tables.push([modelId, key, [...values]]);
    }
    return { tables };
  }

  static fromJSON(keys: readonly string[], maxPerKey: number, json: SegmentTablesJSON): SegmentTables {
    const t = new SegmentTables(keys, maxPerKey);
    for (const [modelId, key, values] of json.tables) {
      let perModel = t.tables.get(modelId);
      if (!perModel) t.tables.set(modelId, (perModel = new Map()));
      perModel.set(key, new Set(values));
    }
    return t;
  }
}
