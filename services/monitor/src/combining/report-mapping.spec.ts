import { ReferenceProfile, WindowProfile, evaluateDrift } from '@continuum/drift';
import { type ResolvedReference } from '../references/resolved-reference';
import { type Stream } from '../streams/stream-identity';
import { type PendingWindow } from './combiner-state';
import { mergePartials, referencesOf, reportId, reportSegment, toDriftReportEvent } from './report-mapping';

const values = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const profile = ReferenceProfile.fromColumns({
  numeric: { x: values(200, (i) => i % 50), y: values(200, (i) => (i * 7) % 13) },
  categorical: { city: Array.from({ length: 200 }, (_, i) => ['a', 'b', 'c'][i % 3]) },
  prediction: values(200, (i) => (i % 10) / 10),
});
const reference: ResolvedReference = {
  id: 'M:["m","3"]:abc',
  profile,
  kind: 'MODEL_VERSION',
  modelId: 'm',
  modelVersion: '3',
  effectiveFrom: -Infinity,
};
const stream: Stream = {
  subject: { modelId: 'm', source: 'PREDICTIONS', modelVersion: '3' },
  segment: 'country=FR',
};

function part(seed: number, n: number, shift = 0): WindowProfile {
  const w = new WindowProfile(profile);
  for (let i = 0; i < n; i++) {
    w.observe({
      numeric: { x: ((i * seed) % 50) + shift, y: (i * 5) % 13 },
      categorical: { city: i % 7 === 0 ? 'zzz' : ['a', 'b', 'c'][i % 3] },
      prediction: (i % 10) / 10,
    });
  }
  return w;
}

function pending(parts: Array<[number, WindowProfile, string?]>): PendingWindow {
  const map: PendingWindow['parts'] = new Map();
  for (const [p, w, ref] of parts) {
    map.set(p, {
      recordKey: `k${p}`,
      partial: {
        stream,
        windowStart: 0,
        windowEnd: 60_000,
        sourceTopic: 'ct.predictions',
        sourcePartition: p,
        referenceId: ref ?? reference.id,
        eventCount: w.eventCount,
        earlierEventCount: 0,
        foldedValues: null,
        droppedLateEvents: 0,
        state: Buffer.from(w.serialize()),
      },
    });
  }
  return { key: 'w', partialsPartition: 0, stream, start: 0, end: 60_000, parts: map };
}

describe('report mapping', () => {
  it('report ids are deterministic and differ by stream, window and reference', () => {
    const id = reportId(stream, 0, 60_000, reference.id);
    expect(reportId({ ...stream }, 0, 60_000, reference.id)).toBe(id);
    expect(id).toMatch(/^drift\|m\|v3\|country=FR\|0-60000\|[0-9a-f]{10}$/);
    expect(reportId({ ...stream, segment: '*' }, 0, 60_000, reference.id)).not.toBe(id);
    expect(reportId(stream, 60_000, 120_000, reference.id)).not.toBe(id);
    expect(reportId(stream, 0, 60_000, 'another')).not.toBe(id);
    const features: Stream = {
      subject: { modelId: 'm', source: 'FEATURES', modelVersion: '' },
      segment: '*',
    };
    expect(reportId(features, 0, 60_000, reference.id)).toMatch(/^drift\|m\|features\|\*\|/);
    expect(reportSegment(features)).toBe('features:*');
    expect(reportSegment(stream)).toBe('country=FR');
  });

  it('merges partials in source-partition order, whatever order they arrived in', () => {
    const a = part(3, 400);
    const b = part(7, 900, 5);
    const c = part(11, 1300);
    const forward = mergePartials(
      profile,
      pending([
        [0, a],
        [1, b],
        [2, c],
      ]),
      reference.id,
    );
    const backward = mergePartials(
      profile,
      pending([
        [2, c],
        [0, a],
        [1, b],
      ]),
      reference.id,
    );
    expect(Buffer.from(backward.serialize()).equals(Buffer.from(forward.serialize()))).toBe(true);
    expect(forward.eventCount).toBe(2600);
    expect(forward.bounds).toEqual({ start: 0, end: 60_000 });
  });

  it('merges only the partials of the requested reference and lists the references in partition order', () => {
    const w = pending([
      [0, part(3, 100)],
      [1, part(5, 200), 'B'],
      [2, part(7, 300)],
    ]);
    expect(referencesOf(w)).toEqual([reference.id, 'B']);
    expect(mergePartials(profile, w, reference.id).eventCount).toBe(400);
  });

  it('maps every field of the libs/drift report onto the ct.drift-reports record', () => {
    const merged = mergePartials(
      profile,
      pending([
        [0, part(3, 500, 20)],
        [1, part(7, 500, 20)],
      ]),
      reference.id,
    );
    const report = evaluateDrift(profile, merged, { correction: 'bonferroni' });
    const event = toDriftReportEvent(report, {
      stream,
      start: 0,
      end: 60_000,
      reference,
      producedAt: 5,
      lateEvents: 7,
    });
    expect(event).toMatchObject({
      reportId: reportId(stream, 0, 60_000, reference.id),
      modelId: 'm',
      modelVersion: '3',
      segment: 'country=FR',
      windowStart: 0,
      windowEnd: 60_000,
      eventCount: 1000,
      lateEvents: 7,
      referenceKind: 'MODEL_VERSION',
      referenceCount: 200,
      correction: 'BONFERRONI',
      driftedFeatures: report.driftedFeatures,
      producedAt: 5,
    });
    expect(event.features.map((f) => f.feature)).toEqual(['x', 'y', 'city']);
    const x = event.features[0];
    const libX = report.features[0];
    expect(x).toEqual({
      feature: 'x',
      featureType: 'NUMERIC',
      statistic: libX.statistic,
      value: libX.value,
      pValue: libX.pValue,
      adjustedPValue: libX.adjustedPValue,
      threshold: libX.threshold,
      effectSize: libX.effectSize,
      drifted: true,
      sampleSize: 1000,
    });
    expect(event.prediction?.feature).toBe('prediction');
    // Data quality of the inputs; the city values outside the reference vocabulary are unseen.
    expect(event.dataQuality.map((q) => q.feature)).toEqual(['x', 'y', 'city']);
    const city = event.dataQuality[2];
    expect(city.unseenCategoryRate).toBeCloseTo(report.dataQuality[2].unseenCategoryRate as number, 12);
    expect(city.unseenCategoryRate).toBeGreaterThan(0.1);
    expect(event.dataQuality[0].outOfRangeRate).toBeGreaterThan(0);
  });
});
