import { ALL_TRAFFIC } from './stream-identity';

export interface SegmentTablesJSON {
  /** [modelId, key, values in first-seen order]. */
  tables: Array<[string, string, string[]]>;
}

/**
 * Bounded segments per source partition: for each configured segment key, the first
 * `maxPerKey` values seen for a model (in offset order) are tracked as `key=value`, later values
 * count in `key=other`. A pure function of the partition's records, so every instance (and every
 * replay) assigns an event to the same segments.
 */
export class SegmentTables {
  private readonly tables = new Map<string, Map<string, Set<string>>>();

  constructor(
    readonly keys: readonly string[],
    readonly maxPerKey: number,
  ) {}

  /** The segments an event of `modelId` with these tags counts in: '*' first, then one per key it carries. */
  segmentsOf(modelId: string, tags: Readonly<Record<string, string>>): string[] {
    const out = [ALL_TRAFFIC];
    if (this.keys.length === 0) return out;
    let perModel = this.tables.get(modelId);
    for (const key of this.keys) {
      const value = tags[key];
      // An event without the tag counts in '*' only: it belongs to no segment of that key.
      if (typeof value !== 'string') continue;
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
