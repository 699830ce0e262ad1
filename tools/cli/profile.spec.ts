/**
 * `continuum profile build`: the profile it writes is exactly what ReferenceProfileBuilder makes of
 * the same rows typed as the contract says, whatever the file format (the same sample as CSV,
 * JSON Lines and Parquet gives one profile); it validates against the published JSON Schema;
 * segments, exclusions, inferred types and the registry lookup of the contract behave as documented;
 * mistakes exit 2 (usage) or 1 (failure) without writing anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { type ObservedEvent, ReferenceProfileBuilder, type ReferenceProfileJSON } from '@continuum/drift';
import { runCli } from './main';

const ROOT = join(__dirname, '..', '..');
const validate = new Ajv2020({ strict: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'libs/drift/schemas/reference-profile.schema.json'), 'utf8')) as object,
);

interface House {
  id: number;
  city: string;
  rooms: number | null;
  area: number;
  prediction: number;
}

/** Deterministic sample: xorshift, with a missing rooms value every 13th row. */
function houses(n: number): House[] {
  let s = 12345;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const cities = ['paris', 'lyon', 'nice', 'saint-étienne'];
  return Array.from({ length: n }, (_, i) => {
    const area = Math.round((30 + 90 * next()) * 100) / 100;
    return {
      id: i,
      city: cities[Math.floor(next() * cities.length)],
      rooms: i % 13 === 0 ? null : 1 + Math.floor(next() * 5),
      area,
      prediction: Math.round((50 + 4 * area) * 10) / 10,
    };
  });
}

const CONTRACT = {
  task: 'REGRESSION',
  contract: {
    features: [
      { name: 'rooms', type: 'NUMERIC' },
      { name: 'area', type: 'NUMERIC' },
      { name: 'city', type: 'CATEGORICAL' },
    ],
  },
};

function recorder(fetch?: typeof globalThis.fetch) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), fetch }, out, err };
}

describe('continuum profile build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-build-'));
  const rows = houses(3000);
  const csv = join(dir, 'houses.csv');
  writeFileSync(
    csv,
    [
      'id,city,rooms,area,prediction',
      ...rows.map((r) => `${r.id},${r.city},${r.rooms ?? ''},${r.area},${r.prediction}`),
    ].join('\n'),
  );
  const jsonl = join(dir, 'houses.jsonl');
  writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join('\n'));
  const contract = join(dir, 'contract.json');
  writeFileSync(contract, JSON.stringify(CONTRACT));
  const env = { REGISTRY_URL: 'http://registry.invalid:1' };

  /** What the trainer's builder makes of the rows typed by the contract. */
  const expected = ReferenceProfileBuilder.fromEvents(
    rows.map((r): ObservedEvent => ({
      numeric: { rooms: r.rooms, area: r.area },
      categorical: { city: r.city },
      prediction: r.prediction,
    })),
  ).toJSON();

  const profileAt = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as unknown;

  it('CSV with a contract: the builder’s profile of the typed rows, valid against the schema', async () => {
    const out = join(dir, 'csv.json');
    const t = recorder();
    const args = [
      'profile',
      'build',
      '--input',
      csv,
      '--model',
      'houses',
      '--contract',
      contract,
      '--out',
      out,
    ];
    expect(await runCli(args, env, t.io)).toBe(0);
    expect(profileAt(out)).toEqual(expected);
    expect(validate(profileAt(out))).toBe(true);
    expect(t.err).toContain('left out id: not in the contract');
    expect(t.out[0]).toBe(
      `profile of houses: 3000 rows, 2 numeric and 1 categorical features, prediction prediction (numeric) -> ${out}`,
    );
  });

  it('JSON Lines with inferred types gives the same profile (id excluded)', async () => {
    const out = join(dir, 'jsonl.json');
    const t = recorder();
    const args = [
      'profile',
      'build',
      '--input',
      jsonl,
      '--model',
      'houses',
      '--infer-types',
      '--exclude',
      'id',
      '--out',
      out,
    ];
    expect(await runCli(args, env, t.io)).toBe(0);
    expect(profileAt(out)).toEqual(expected);
  });

  it('--label fits the performance-estimation reference into the profile (DLE for a regression), the label not a feature', async () => {
    const labelled = join(dir, 'labelled.jsonl');
    writeFileSync(
      labelled,
      rows.map((r) => JSON.stringify({ ...r, price: r.prediction + ((r.id * 7919) % 41) - 20 })).join('\n'),
    );
    const out = join(dir, 'labelled.json');
    const t = recorder();
    const args = ['profile', 'build', '--input', labelled, '--model', 'houses', '--infer-types'];
    expect(await runCli([...args, '--exclude', 'id', '--label', 'price', '--out', out], env, t.io)).toBe(0);
    const profile = profileAt(out) as { features: Array<{ name: string }>; performanceEstimation: object };
    expect(validate(profile)).toBe(true);
    expect(profile.features.map((f) => f.name)).not.toContain('price');
    expect(profile.performanceEstimation).toMatchObject({
      method: 'DLE',
      rows: 3000,
      numeric: ['area', 'rooms'],
    });
    expect(t.out[1]).toBe('  performance estimation: DLE fitted on 3000 labelled rows');
    const missing = recorder();
    expect(await runCli([...args, '--label', 'nope', '--out', out], env, missing.io)).toBe(1);
    expect(missing.err.join('\n')).toContain('--label nope: the sample has no such column');
  });

  it('Parquet (several row groups, INT64 and nulls) gives the same profile, through the real entry script', () => {
    const parquet = join(dir, 'houses.parquet');
    // hyparquet-writer is an ES module: written by a Node child process, as a user's pipeline would.
    const script = `
      import { parquetWriteFile } from 'hyparquet-writer';
      import { readFileSync } from 'node:fs';
      const rows = JSON.parse(readFileSync(process.argv[1], 'utf8'));
      parquetWriteFile({
        filename: process.argv[2],
        rowGroupSize: 700,
        columnData: [
          { name: 'id', data: rows.map((r) => BigInt(r.id)), type: 'INT64' },
          { name: 'city', data: rows.map((r) => r.city), type: 'STRING' },
          { name: 'rooms', data: rows.map((r) => r.rooms), type: 'INT32' },
          { name: 'area', data: rows.map((r) => r.area), type: 'DOUBLE' },
          { name: 'prediction', data: rows.map((r) => r.prediction), type: 'DOUBLE' },
        ],
      });`;
    const rowsFile = join(dir, 'rows.json');
    writeFileSync(rowsFile, JSON.stringify(rows));
    execFileSync(process.execPath, ['--input-type=module', '-e', script, rowsFile, parquet], { cwd: ROOT });
    const out = join(dir, 'parquet.json');
    const stdout = execFileSync(
      join(ROOT, 'tools/continuum'),
      ['profile', 'build', '--input', parquet, '--model', 'houses', '--contract', contract, '--out', out],
      { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(stdout).toContain('3000 rows');
    expect(profileAt(out)).toEqual(expected);
  }, 60_000);

  it('--segment-by builds the segment references into the one profile, as the builder does with the tags', async () => {
    const out = join(dir, 'seg.json');
    const t = recorder();
    const args = ['profile', 'build', '--input', csv, '--model', 'houses', '--contract', contract];
    expect(
      await runCli([...args, '--segment-by', 'city', '--max-segments', '3', '--out', out], env, t.io),
    ).toBe(0);
    const builder = new ReferenceProfileBuilder({ segments: { keys: ['city'], maxValues: 3 } });
    for (const r of rows) {
      builder.observe({
        numeric: { rooms: r.rooms, area: r.area },
        categorical: { city: r.city },
        prediction: r.prediction,
        segments: { city: r.city },
      });
    }
    const profile = profileAt(out) as ReferenceProfileJSON;
    expect(profile).toEqual(builder.build().toJSON());
    expect(validate(profile)).toBe(true);
    // In the contract, city is a feature as well as the segment tag; the segments cover every row.
    expect(profile.features.map((f) => f.name)).toEqual(['area', 'rooms', 'city', 'prediction']);
    const [city] = profile.segments!;
    expect(city.values).toHaveLength(3);
    expect(city.values.reduce((n, v) => n + v.rows, 0) + (city.other?.rows ?? 0)).toBe(rows.length);
    expect(t.out[1]).toMatch(/^ {2}segment references of city: .*, other=\d+$/);
  });

  it('takes the contract from the registry when none is given, and infers types for an unregistered model', async () => {
    const calls: string[] = [];
    const registry = (status: number, body: unknown) =>
      (async (url: string) => {
        calls.push(url);
        return new Response(JSON.stringify(body), { status });
      }) as unknown as typeof fetch;
    const out = join(dir, 'registry.json');
    const args = ['profile', 'build', '--input', csv, '--model', 'houses', '--out', out];
    const known = recorder(registry(200, { modelId: 'houses', contract: CONTRACT.contract }));
    expect(await runCli(args, env, known.io)).toBe(0);
    expect(calls).toEqual(['http://registry.invalid:1/models/houses']);
    expect(profileAt(out)).toEqual(expected);

    const unknown = recorder(
      registry(404, { statusCode: 404, error: 'NOT_FOUND', message: 'unknown model' }),
    );
    expect(await runCli(args, env, unknown.io)).toBe(0);
    expect(unknown.err).toContain(
      'houses is not registered: column types are inferred from the sample (or pass --contract)',
    );
    // Inferred: id is a numeric column like any other.
    expect((profileAt(out) as { features: Array<{ name: string }> }).features.map((f) => f.name)).toEqual([
      'area',
      'id',
      'rooms',
      'city',
      'prediction',
    ]);
  });

  it('fails (exit 1) when the registry cannot be asked for the contract, naming the ways out', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const out = join(dir, 'never.json');
    const t = recorder(down);
    expect(
      await runCli(['profile', 'build', '--input', csv, '--model', 'houses', '--out', out], env, t.io),
    ).toBe(1);
    expect(t.err[0]).toMatch(
      /cannot read the contract of houses from the registry .*pass --contract <file> or --infer-types/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['profile', 'build', '--model', 'm', '--out', 'x.json'], 2, '--input is required'],
    [['profile', 'build', '--input', 'a.txt', '--model', 'm', '--out', 'x.json'], 2, 'pass --format'],
    [
      ['profile', 'build', '--input', 'a.csv', '--model', 'm', '--out', 'x.json', '--bins', '0'],
      2,
      '--bins must be a positive integer',
    ],
    [
      [
        'profile',
        'build',
        '--input',
        'a.csv',
        '--model',
        'm',
        '--out',
        'x.json',
        '--contract',
        'c',
        '--infer-types',
      ],
      2,
      'exclude each other',
    ],
    [['profile', 'rebuild'], 2, "profile: unknown command 'rebuild'"],
    [
      ['profile', 'build', '--input', '/nonexistent.csv', '--model', 'm', '--out', 'x.json', '--infer-types'],
      1,
      'does not exist',
    ],
  ])('%j exits %i', async (args, code, message) => {
    const t = recorder();
    expect(await runCli(args, env, t.io)).toBe(code);
    expect(t.err.join('\n')).toContain(message);
  });

  it('fails on a malformed CSV naming the record', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b\n1,2\n3\n');
    const t = recorder();
    expect(
      await runCli(
        ['profile', 'build', '--input', bad, '--model', 'm', '--infer-types', '--out', join(dir, 'bad.json')],
        env,
        t.io,
      ),
    ).toBe(1);
    expect(t.err.join('\n')).toContain('CSV record 2 has 1 fields, the header 2');
  });
});
