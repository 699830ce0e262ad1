import { ReferenceProfileBuilder } from '@continuum/drift';
import { SegmentTables } from './segment-table';

describe('SegmentTables', () => {
  it("tracks the first values of each key per model in arrival order; later ones count in 'key=other'", () => {
    const t = new SegmentTables(['country', 'channel'], 2);
    expect(t.segmentsOf('m', { country: 'FR', channel: 'web' })).toEqual(['*', 'country=FR', 'channel=web']);
    expect(t.segmentsOf('m', { country: 'DE' })).toEqual(['*', 'country=DE']);
    expect(t.segmentsOf('m', { country: 'US', channel: 'app' })).toEqual([
      '*',
      'country=other',
      'channel=app',
    ]);
    expect(t.segmentsOf('m', { country: 'FR', channel: 'tv' })).toEqual(['*', 'country=FR', 'channel=other']);
    // Another model has tables of its own.
    expect(t.segmentsOf('n', { country: 'US' })).toEqual(['*', 'country=US']);
    // Tags that are not configured keys are ignored; events without a key's tag are in '*' only.
    expect(t.segmentsOf('m', { region: 'eu' })).toEqual(['*']);
  });

  it('without segment keys, every event is in * only', () => {
    expect(new SegmentTables([], 20).segmentsOf('m', { country: 'FR' })).toEqual(['*']);
  });

  it('restored from JSON, assigns exactly as the original would have', () => {
    const a = new SegmentTables(['country'], 2);
    a.segmentsOf('m', { country: 'FR' });
    a.segmentsOf('m', { country: 'DE' });
    const b = SegmentTables.fromJSON(['country'], 2, JSON.parse(JSON.stringify(a.toJSON())));
    for (const c of ['US', 'DE', 'FR', 'IT']) {
      expect(b.segmentsOf('m', { country: c })).toEqual(a.segmentsOf('m', { country: c }));
    }
  });

  it("with a profile's segment references, the segments are the reference's most frequent values on every partition", () => {
    const builder = new ReferenceProfileBuilder({ segments: { keys: ['country'], maxValues: 2 } });
    const mix = ['US', 'US', 'US', 'DE', 'DE', 'FR'];
    for (const country of mix) builder.observe({ numeric: { x: 1 }, segments: { country } });
    const profile = builder.build();
    // Two source partitions meeting the countries in different orders: first-seen tables disagree.
    const p0 = new SegmentTables(['country', 'channel'], 2);
    const p1 = new SegmentTables(['country', 'channel'], 2);
    const order0 = ['FR', 'IT', 'US', 'DE'];
    const order1 = ['DE', 'US', 'IT', 'FR'];
    const withProfile = (t: SegmentTables, order: string[]) =>
      order.map((country) => t.segmentsOf('m', { country, channel: 'web' }, profile));
    const firstSeen = (order: string[]) => {
      const t = new SegmentTables(['country'], 2);
      return new Map(order.map((country) => [country, t.segmentsOf('m', { country })[1]]));
    };
    expect(firstSeen(order0).get('FR')).not.toBe(firstSeen(order1).get('FR'));
    const a = new Map(order0.map((c, i) => [c, withProfile(p0, order0)[i]]));
    const b = new Map(order1.map((c, i) => [c, withProfile(p1, order1)[i]]));
    for (const c of ['US', 'DE', 'FR', 'IT']) expect(a.get(c)).toEqual(b.get(c));
    expect(a.get('US')).toEqual(['*', 'country=US', 'channel=web']);
    expect(a.get('DE')).toEqual(['*', 'country=DE', 'channel=web']);
    expect(a.get('FR')).toEqual(['*', 'country=other', 'channel=web']);
    expect(a.get('IT')).toEqual(['*', 'country=other', 'channel=web']);
    // A key without references in the profile (channel) keeps first-seen tables.
    expect(p0.toJSON().tables).toEqual([['m', 'channel', ['web']]]);
  });
});
