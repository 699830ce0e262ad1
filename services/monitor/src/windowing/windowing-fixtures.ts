import { ReferenceProfile } from '@continuum/drift';
import { VERSION_EVENT_DEFAULTS } from '@continuum/registry';
import { ReferenceIndex } from '../references/reference-index';
import { type MonitoredEvent } from '../streams/monitored-event';
import { type PartitionWindowsOptions } from './partition-windows';

/** Inputs shared by the stage 1 unit tests: seeded events of models a and b, their catalog. */
export const MINUTE = 60_000;
export const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function events(n: number, seed: number): MonitoredEvent[] {
  const r = rng(seed);
  const countries = ['FR', 'DE', 'US', 'ES', 'IT'];
  const out: MonitoredEvent[] = [];
  for (let i = 0; i < n; i++) {
    const late = i % 97 === 0 ? 3 * MINUTE : 0;
    out.push({
      modelId: i % 3 === 0 ? 'b' : 'a',
      modelVersion: '1',
      eventId: `e${i}`,
      timestamp: Math.max(T0, T0 + i * 100 + Math.round((r() - 0.5) * 8000) - late),
      numeric: { x: r() * 10, y: r() },
      categorical: { c: countries[Math.floor(r() * 3)] },
      prediction: r(),
      segments: { country: countries[Math.floor(r() * 5)], channel: r() < 0.5 ? 'web' : 'app' },
    });
  }
  return out;
}

export function catalog(): ReferenceIndex {
  const r = rng(5);
  const x = Array.from({ length: 500 }, () => r() * 10);
  const y = Array.from({ length: 500 }, () => r());
  const c = Array.from({ length: 500 }, () => ['FR', 'DE', 'US'][Math.floor(r() * 3)]);
  const p = Array.from({ length: 500 }, () => r());
  const profile = ReferenceProfile.fromColumns({ numeric: { x, y }, categorical: { c }, prediction: p });
  const state = new ReferenceIndex();
  for (const modelId of ['a', 'b']) {
    state.applyVersionEvent({
      ...VERSION_EVENT_DEFAULTS,
      eventId: modelId,
      modelId,
      version: '1',
      parentVersion: null,
      change: 'REGISTERED',
      stage: 'CHAMPION',
      strategy: 'EXTERNAL',
      trainingWindow: null,
      metrics: {},
      artifactUri: null,
      contract: null,
      referenceProfile: JSON.stringify(profile.toJSON()),
      occurredAt: 1,
      actor: 'test',
    });
  }
  return state;
}

export const options: PartitionWindowsOptions = {
  topic: 'ct.predictions',
  partition: 3,
  source: 'PREDICTIONS',
  window: { sizeMs: MINUTE, hopMs: MINUTE, latenessMs: 5000 },
  segmentKeys: ['country', 'channel'],
  maxSegmentsPerKey: 3,
  bootstrapEvents: 100,
};
