import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeConfig } from '@continuum/config';
import { parseDuration } from '@continuum/config';
import { loadMonitorConfig, monitorConfigSpec } from './monitor.config';

describe('monitor configuration', () => {
  it('has working defaults: tumbling 1h windows, BH correction, no segment keys', () => {
    const config = loadMonitorConfig({});
    expect(config).toMatchObject({
      windowMs: 3_600_000,
      windowHopMs: 3_600_000,
      allowedLatenessMs: 60_000,
      idleTimeoutMs: 30_000,
      checkpointIntervalMs: 5_000,
      bootstrapEvents: 1000,
      correction: 'benjamini-hochberg',
      segmentKeys: [],
      maxSegmentsPerKey: 20,
      groupId: 'continuum-monitor',
      combinerGroupId: 'continuum-monitor-combiner',
    });
  });

  it("names the combiner's group after MONITOR_GROUP_ID unless it is set", () => {
    expect(loadMonitorConfig({ MONITOR_GROUP_ID: 'fraud-monitor' }).combinerGroupId).toBe(
      'fraud-monitor-combiner',
    );
    expect(
      loadMonitorConfig({ MONITOR_GROUP_ID: 'fraud-monitor', MONITOR_COMBINER_GROUP_ID: 'stage-2' })
        .combinerGroupId,
    ).toBe('stage-2');
  });

  it('reads durations and lists', () => {
    const config = loadMonitorConfig({
      MONITOR_WINDOW: '10m',
      MONITOR_WINDOW_HOP: '2m',
      MONITOR_ALLOWED_LATENESS: '1m30s',
      MONITOR_SEGMENT_KEYS: 'country, channel',
    });
    expect(config).toMatchObject({
      windowMs: 600_000,
      windowHopMs: 120_000,
      allowedLatenessMs: 90_000,
      segmentKeys: ['country', 'channel'],
    });
  });

  it('names the variable of every bad value', () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadMonitorConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(attempt({ MONITOR_WINDOW: 'an hour' })).toContain('MONITOR_WINDOW="an hour" must be a duration');
    expect(attempt({ MONITOR_WINDOW: '10m', MONITOR_WINDOW_HOP: '3m' })).toContain(
      'MONITOR_WINDOW_HOP=3m must divide MONITOR_WINDOW=10m',
    );
    expect(attempt({ MONITOR_CORRECTION: 'holm' })).toContain('MONITOR_CORRECTION');
    expect(attempt({ MONITOR_SEGMENT_KEYS: 'a,a' })).toContain('names a key twice');
    expect(attempt({ MONITOR_ALLOWED_LATENESS: '-1m' })).toContain('MONITOR_ALLOWED_LATENESS');
    expect(attempt({ MONITOR_WINDOW: '1m', MONITOR_ALLOWED_LATENESS: '1001m' })).toContain(
      'MONITOR_ALLOWED_LATENESS=16h41m must be at most 1000 window hops (16h40m)',
    );
    expect(attempt({ MONITOR_IDLE_TIMEOUT: '5ms' })).toContain(
      'MONITOR_IDLE_TIMEOUT="5ms" must be at least 100ms',
    );
  });

  it('parses durations', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration('')).toBeUndefined();
  });

  it("the README's configuration table is generated from the spec", () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(describeConfig(monitorConfigSpec));
  });
});
