import { ReferenceProfileBuilder } from '@continuum/drift';
import { SegmentTables } from './segment-table';

const PANE = 60_000;

describe('SegmentTables', () => {
  it("without profile values, the first 2·K values of a pane are candidates; later ones count in 'key=other' and in its sketch", () => {
    const t = new SegmentTables(['country', 'channel'], 1);
    expect(t.candidatesPerPane).toBe(2);
    expect(t.segmentsOf('m', { country: 'FR', channel: 'web' }, 0)).toEqual([
      '*',
      'country=FR',
      'channel=web',
    ]);
    expect(t.segmentsOf('m', { country: 'DE' }, 0)).toEqual(['*', 'country=DE']);
    expect(t.segmentsOf('m', { country: 'US', channel: 'app' }, 0)).toEqual([
      '*',
      'country=other',
      'channel=app',
    ]);
    expect(t.segmentsOf('m', { country: 'US' }, 0)).toEqual(['*', 'country=other']);
    expect(t.segmentsOf('m', { country: 'FR', channel: 'tv' }, 0)).toEqual([
      '*',
      'country=FR',
      'channel=other',
    ]);
    // A new pane starts over; another scope (subject) has tables of its own.
    expect(t.segmentsOf('m', { country: 'US' }, PANE)).toEqual(['*', 'country=US']);
    expect(t.segmentsOf('n', { country: 'US' }, 0)).toEqual(['*', 'country=US']);
    // Tags that are not configured keys are ignored; events without a key's tag are in '*' only.
    expect(t.segmentsOf('m', { region: 'eu' }, 0)).toEqual(['*']);
    // A value literally called 'other' is never a segment of its own.
    expect(t.segmentsOf('n', { country: 'other' }, 0)).toEqual(['*', 'country=other']);

    // The folded values of a window: its panes' sketches merged.
    expect(t.foldedIn('m', 'country=other', 0, PANE)?.top()).toEqual([{ value: 'US', count: 2, error: 0 }]);
    expect(t.foldedIn('m', 'country=other', 0, 2 * PANE)?.top()).toEqual([
      { value: 'US', count: 2, error: 0 },
    ]);
    expect(t.foldedIn('m', 'channel=other', 0, PANE)?.top()).toEqual([{ value: 'tv', count: 1, error: 0 }]);
    expect(t.foldedIn('m', 'country=FR', 0, PANE)).toBeUndefined();
    expect(t.foldedIn('m', '*', 0, PANE)).toBeUndefined();

    // Panes every window of which closed are forgotten.
    t.prune(2 * PANE, PANE);
    expect(t.toJSON().panes).toEqual([]);
  });

  it('without segment keys, every event is in * only', () => {
    expect(new SegmentTables([], 20).segmentsOf('m', { country: 'FR' }, 0)).toEqual(['*']);
  });

  it('restored from JSON, assigns and counts exactly as the original would have', () => {
    const a = new SegmentTables(['country'], 1);
    for (const c of ['FR', 'DE', 'US', 'IT', 'US', 'ES']) a.segmentsOf('m', { country: c }, 0);
    const b = SegmentTables.fromJSON(['country'], 1, JSON.parse(JSON.stringify(a.toJSON())));
    for (const c of ['US', 'DE', 'FR', 'IT', 'PT', 'NL']) {
      expect(b.segmentsOf('m', { country: c }, 0)).toEqual(a.segmentsOf('m', { country: c }, 0));
    }
    expect(b.foldedIn('m', 'country=other', 0, PANE)?.top()).toEqual(
      a.foldedIn('m', 'country=other', 0, PANE)?.top(),
    );
  });

  it("with a profile's segment references, the segments are the reference's most frequent values on every partition", () => {
    const builder = new ReferenceProfileBuilder({ segments: { keys: ['country'], maxValues: 2 } });
    const mix = ['US', 'US', 'US', 'DE', 'DE', 'FR'];
    for (const country of mix) builder.observe({ numeric: { x: 1 }, segments: { country } });
    const profile = builder.build();
    // Two source partitions meeting the countries in different orders get the same segments.
    const p0 = new SegmentTables(['country', 'channel'], 1);
    const p1 = new SegmentTables(['country', 'channel'], 1);
    const order0 = ['FR', 'IT', 'US', 'DE'];
    const order1 = ['DE', 'US', 'IT', 'FR'];
    const withProfile = (t: SegmentTables, order: string[]) =>
      new Map(order.map((country) => [country, t.segmentsOf('m', { country, channel: 'web' }, 0, profile)]));
    const a = withProfile(p0, order0);
    const b = withProfile(p1, order1);
    for (const c of ['US', 'DE', 'FR', 'IT']) expect(a.get(c)).toEqual(b.get(c));
    expect(a.get('US')).toEqual(['*', 'country=US', 'channel=web']);
    expect(a.get('DE')).toEqual(['*', 'country=DE', 'channel=web']);
    expect(a.get('FR')).toEqual(['*', 'country=other', 'channel=web']);
    expect(a.get('IT')).toEqual(['*', 'country=other', 'channel=web']);
    // Nothing is counted for the profile's key; its 'other' carries no folded-values sketch.
    expect(p0.foldedIn('m', 'country=other', 0, PANE, profile)).toBeUndefined();
    // A key without references in the profile (channel) keeps candidate tables.
    expect(
      p0.toJSON().panes?.map(([scope, key, start, candidates]) => [scope, key, start, candidates]),
    ).toEqual([['m', 'channel', 0, ['web']]]);
  });
});
