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
});
