import { type ReferenceProfile, SpaceSaving } from '@continuum/drift';
import { ALL_TRAFFIC } from './stream-identity';

export interface SegmentTablesJSON {
  /** [scope, key, pane start, candidate values in first-seen order, folded values (SpaceSaving.toBytes, base64)]. */
  panes?: Array<[string, string, number, string[], string]>;
}

interface Pane {
  /** Candidate values in first-seen order, each with its segment name (`key=value`). */
  readonly candidates: Map<string, string>;
  folded: SpaceSaving;
}

/** The pane of one key an event was last placed in (consecutive events mostly share it). */
interface LastPane {
  scope: string;
  start: number;
  pane: Pane;
}

/** Per profile and key: the segment name of each tracked value, or null when it has none. */
const referenceSegments = new WeakMap<ReferenceProfile, Map<string, ReadonlyMap<string, string> | null>>();

function referenceSegmentsOf(reference: ReferenceProfile, key: string): ReadonlyMap<string, string> | null {
  let perKey = referenceSegments.get(reference);
  if (!perKey) referenceSegments.set(reference, (perKey = new Map()));
  let names = perKey.get(key);
  if (names === undefined) {
    const values = reference.segmentValues(key);
    names = values ? new Map(values.map((v) => [v, `${key}=${v}`])) : null;
    perKey.set(key, names);
  }
  return names;
}

/** Candidate values per key, pane and source partition, for `maxPerKey` reported values (K). */
export const CANDIDATES_PER_REPORTED_VALUE = 2;
/** Folded values counted per key, pane and source partition, for `maxPerKey` reported values (K). */
export const FOLDED_VALUES_PER_REPORTED_VALUE = 10;

/** The key of a segment `key=value` (undefined for '*'). */
export function segmentKeyOf(segment: string): string | undefined {
  const at = segment.indexOf('=');
  return segment === ALL_TRAFFIC || at < 0 ? undefined : segment.slice(0, at);
}

/**
 * Bounded segments per source partition. For a segment key the reference profile has segment
 * references for, the segments are the profile's: its tracked values (the reference's most frequent)
 * as `key=value`, every other value in `key=other` — the same on every partition, and each window
 * compared with its own segment's reference.
 *
 * For other keys the K (`maxPerKey`) values reported are the window's most frequent over every
 * partition, which no partition can know: stage 2 picks them. Here every value is a candidate with
 * a segment of its own, per scope (a subject) and pane (the hop-sized slice of event time windows
 * are made of), up to 2·K candidates; later values of the pane count in `key=other`, and the pane
 * counts them in a SpaceSaving sketch of 10·K counters that the `key=other` partial carries
 * (`foldedIn`). Stage 2 merges candidates' counts and those sketches across partitions, reports the
 * K most frequent and folds the rest into `other` — a value this partition folded is never
 * reported on its own, so every report is what one process would have computed (see
 * combining/segment-choice.ts). A pure function of the partition's records and references, so every
 * instance (and every replay) assigns an event to the same segments.
 */
export class SegmentTables {
  private readonly panes = new Map<string, Map<string, Map<number, Pane>>>();
  readonly candidatesPerPane: number;
  readonly foldedCapacity: number;
  /** Per key: `key=other`, and the pane it last placed an event in (cleared when panes go). */
  private readonly otherSegments: readonly string[];
  private readonly lastPanes: Array<LastPane | undefined>;

  constructor(
    readonly keys: readonly string[],
    readonly maxPerKey: number,
  ) {
    this.candidatesPerPane = CANDIDATES_PER_REPORTED_VALUE * maxPerKey;
    this.foldedCapacity = Math.min(1 << 16, FOLDED_VALUES_PER_REPORTED_VALUE * maxPerKey);
    this.otherSegments = keys.map((key) => `${key}=other`);
    this.lastPanes = keys.map(() => undefined);
  }

  /**
   * The segments an event with these tags counts in: '*' first, then one per key it carries.
   * `scope`: what the tables are kept for (the subject); `pane`: start of the event's pane;
   * `reference`: the profile the event is windowed against (its segment values win).
   */
  segmentsOf(
    scope: string,
    tags: Readonly<Record<string, string>>,
    pane: number,
    reference?: ReferenceProfile,
  ): string[] {
    const out = [ALL_TRAFFIC];
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k];
      const value = tags[key];
      // An event without the tag counts in '*' only: it belongs to no segment of that key.
      if (typeof value !== 'string') continue;
      const referenceValues = reference ? referenceSegmentsOf(reference, key) : null;
      if (referenceValues) {
        out.push(referenceValues.get(value) ?? this.otherSegments[k]);
        continue;
      }
      const p = this.candidatePane(k, scope, pane);
      const segment = p.candidates.get(value);
      if (segment !== undefined) out.push(segment);
      else if (value !== 'other' && p.candidates.size < this.candidatesPerPane) {
        const named = `${key}=${value}`;
        p.candidates.set(value, named);
        out.push(named);
      } else {
        p.folded.add(value);
        out.push(this.otherSegments[k]);
      }
    }
    return out;
  }

  /** The pane of key `k` (index in `keys`) for this scope and pane start, created when new. */
  private candidatePane(k: number, scope: string, start: number): Pane {
    const last = this.lastPanes[k];
    if (last !== undefined && last.start === start && last.scope === scope) return last.pane;
    const pane = this.pane(scope, this.keys[k], start, true) as Pane;
    this.lastPanes[k] = { scope, start, pane };
    return pane;
  }

  private pane(scope: string, key: string, start: number, create: boolean): Pane | undefined {
    let perScope = this.panes.get(scope);
    if (!perScope) {
      if (!create) return undefined;
      this.panes.set(scope, (perScope = new Map()));
    }
    let perKey = perScope.get(key);
    if (!perKey) {
      if (!create) return undefined;
      perScope.set(key, (perKey = new Map()));
    }
    let p = perKey.get(start);
    if (!p && create) {
      p = { candidates: new Map(), folded: new SpaceSaving(this.foldedCapacity) };
      perKey.set(start, p);
    }
    return p;
  }

  /**
   * The values folded into `key=other` in the panes of [start, end) (a window), merged; undefined
   * for a key the reference profile gives values for (nothing is folded by count there).
   */
  foldedIn(
    scope: string,
    segment: string,
    start: number,
    end: number,
    reference?: ReferenceProfile,
  ): SpaceSaving | undefined {
    const key = segmentKeyOf(segment);
    if (key === undefined || segment !== `${key}=other` || reference?.segmentValues(key)) return undefined;
    const merged = new SpaceSaving(this.foldedCapacity);
    const perKey = this.panes.get(scope)?.get(key);
    const starts = [...(perKey?.keys() ?? [])].filter((s) => s >= start && s < end).sort((a, b) => a - b);
    for (const s of starts) merged.merge((perKey as Map<number, Pane>).get(s)!.folded);
    return merged;
  }

  /** Forgets the panes every window of which has closed (pane start + window size ≤ watermark). */
  prune(watermark: number, windowSizeMs: number): void {
    this.lastPanes.fill(undefined);
    for (const [scope, perScope] of this.panes) {
      for (const [key, perKey] of perScope) {
        for (const start of perKey.keys()) if (start + windowSizeMs <= watermark) perKey.delete(start);
        if (perKey.size === 0) perScope.delete(key);
      }
      if (perScope.size === 0) this.panes.delete(scope);
    }
  }

  toJSON(): SegmentTablesJSON {
    const panes: NonNullable<SegmentTablesJSON['panes']> = [];
    for (const [scope, perScope] of this.panes) {
      for (const [key, perKey] of perScope) {
        for (const [start, p] of perKey) {
          panes.push([
            scope,
            key,
            start,
            [...p.candidates.keys()],
            Buffer.from(p.folded.toBytes()).toString('base64'),
          ]);
        }
      }
    }
    return { panes };
  }

  /** A checkpoint of a monitor before panes (first-seen tables) restores empty tables. */
  static fromJSON(keys: readonly string[], maxPerKey: number, json: SegmentTablesJSON): SegmentTables {
    const t = new SegmentTables(keys, maxPerKey);
    for (const [scope, key, start, candidates, folded] of json.panes ?? []) {
      const p = t.pane(scope, key, start, true) as Pane;
      for (const c of candidates) p.candidates.set(c, `${key}=${c}`);
      // Read as written (counter order included), so that the restored tables evict as the original.
      p.folded = SpaceSaving.fromBytes(Buffer.from(folded, 'base64'));
    }
    return t;
  }
}
