import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main, MARKER, patchedRequest } = require('./kafkajs-produce-encoder.js') as {
  main(root: string): string;
  MARKER: string;
  patchedRequest(source: string): string | undefined;
};

const REQUEST = join('src', 'protocol', 'requests', 'produce', 'v3', 'request.js');
const ENCODER = join('src', 'protocol', 'recordBatch', 'v0', 'continuumRecordBatch.js');
const REQUEST_SHA256 = '993a3db997827088f5acb08cacf3c67a99ec2886303ff465d244329b8a1c7f99';
const installedKafkajs = dirname(require.resolve('kafkajs/package.json'));

/** kafkajs 2.2.4's request.js as published: the installed one, with the patch's insertions taken out. */
function publishedRequest(): string {
  const installed = readFileSync(join(installedKafkajs, REQUEST), 'utf8');
  if (!installed.includes(MARKER)) return installed;
  return installed
    .replace("const continuumRecordBatch = require('../../../recordBatch/v0/continuumRecordBatch')\n", '')
    .replace(
      / {2}\/\/ continuum: [^\n]*\n {2}if \(compression === Types\.None\) \{\n[\s\S]*?\n {2}\}\n(?= {2}const dateNow)/,
      '',
    );
}

/** A copy of the installed kafkajs (package.json and src) with the published request.js, under a fresh root. */
function kafkajsCopy(version = '2.2.4'): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), 'kafkajs-encoder-'));
  const dir = join(root, 'node_modules', 'kafkajs');
  mkdirSync(dir, { recursive: true });
  cpSync(join(installedKafkajs, 'src'), join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kafkajs', version, main: 'index.js' }));
  writeFileSync(join(dir, REQUEST), publishedRequest());
  rmSync(join(dir, ENCODER), { force: true });
  return { root, dir };
}

interface Message {
  key?: unknown;
  value: unknown;
  headers?: unknown;
  timestamp?: unknown;
}
type Encoded = { buffer: Buffer };
type ProduceRequest = (args: object) => { encode(): Promise<Encoded> };
interface OnePass {
  options: { enabled: boolean };
  crc32c(buffer: Buffer, start?: number, end?: number): number;
  encodePartition(args: object): Encoded | undefined;
}

/** The patched copy's produce request, one-pass module and Long, loaded from that copy. */
function load(dir: string): {
  request: ProduceRequest;
  onePass: OnePass;
  Long: { fromInt(v: number): unknown };
} {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    request: require(join(dir, REQUEST)) as ProduceRequest,
    onePass: require(join(dir, ENCODER)) as OnePass,
    Long: require(join(dir, 'src', 'utils', 'long.js')) as { fromInt(v: number): unknown },
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function generator(seed: number) {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: T[]): T => items[int(items.length)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const ascii = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join('');
  const unicode = () => pick(['clé', 'prédiction €', '模型', 'emoji 😀 ok', 'a\u0000b']);
  return { next, int, pick, bytes, ascii, unicode };
}

/** Messages of every shape the one-pass encoder handles itself. */
function supportedMessages(
  g: ReturnType<typeof generator>,
  count: number,
  stamps: 'none' | 'all' | 'some',
): Message[] {
  return Array.from({ length: count }, (_, i) => {
    const key = g.pick<() => unknown>([
      () => null,
      () => undefined,
      () => `evt-${i}`,
      () => g.ascii(65 + g.int(100)),
      () => g.unicode(),
      () => g.bytes(g.int(40)),
      () => g.bytes(g.int(700)),
    ])();
    const value = g.pick<() => unknown>([
      () => null,
      () => g.bytes(g.int(32)),
      () => g.bytes(g.int(1300)),
      () => g.ascii(g.int(200)),
      () => g.unicode(),
      () => '',
    ])();
    const headers = g.pick<() => unknown>([
      () => undefined,
      () => ({}),
      () => ({ trace: g.ascii(g.int(20)) }),
      () => ({ a: g.bytes(g.int(50)), ключ: ['x', g.bytes(3)], b: [] }),
    ])();
    const stamped = stamps === 'all' || (stamps === 'some' && g.next() < 0.5);
    const timestamp = stamped ? String(1_767_225_600_000 + g.int(100_000)) : undefined;
    return { key, value, headers, timestamp };
  });
}

async function encode(request: ProduceRequest, args: object): Promise<Buffer | string> {
  try {
    return (await request(args).encode()).buffer;
  } catch (error) {
    return `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('kafkajs produce requests encoded in one pass (tools/install/kafkajs-produce-encoder.js)', () => {
  const now = 1_767_225_650_000;
  let copy: { root: string; dir: string };
  let loaded: ReturnType<typeof load>;

  beforeAll(() => {
    copy = kafkajsCopy();
    expect(main(copy.root)).toBe('patched');
    loaded = load(copy.dir);
  });
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(now));
  afterEach(() => {
    jest.restoreAllMocks();
    loaded.onePass.options.enabled = true;
  });

  it('the installed kafkajs carries the patch and the current encoder (npm ci ran the postinstall)', () => {
    expect(readFileSync(join(installedKafkajs, REQUEST), 'utf8')).toContain(MARKER);
    expect(readFileSync(join(installedKafkajs, ENCODER), 'utf8')).toBe(
      readFileSync(join(__dirname, 'kafkajs', 'continuumRecordBatch.js'), 'utf8'),
    );
  });

  it('the patch is two insertions into the published 2.2.4 request.js, nothing else', () => {
    const published = publishedRequest();
    expect(createHash('sha256').update(published).digest('hex')).toBe(REQUEST_SHA256);
    expect(readFileSync(join(copy.dir, REQUEST), 'utf8')).toBe(patchedRequest(published));
  });

  it('writes byte for byte the request kafkajs writes, for every message shape it takes on', async () => {
    const { request, onePass, Long } = loaded;
    const g = generator(11);
    let onePassPartitions = 0;
    for (let trial = 0; trial < 42; trial++) {
      const stamps = g.pick(['none', 'all', 'some'] as const);
      // Mostly small sends (every shape, often); two large ones (offset deltas past one varint byte).
      const large = trial >= 40;
      const topicData = Array.from({ length: large ? 1 : 1 + g.int(2) }, (_, t) => ({
        topic: `topic-${t}`,
        partitions: Array.from({ length: 1 + g.int(large ? 2 : 4) }, (_, p) => ({
          partition: p * 3 + g.int(3),
          firstSequence: g.pick([undefined, 0, g.int(2 ** 31 - 1)]),
          messages: supportedMessages(g, large ? 300 + g.int(1000) : 1 + g.int(40), stamps),
        })),
      }));
      const args = {
        acks: -1,
        timeout: 30_000,
        transactionalId: g.pick([null, undefined, 'tx-1']),
        producerId: g.pick([undefined, Long.fromInt(g.int(2 ** 31 - 1))]),
        producerEpoch: g.pick([undefined, 0, g.int(30_000)]),
        compression: g.pick([undefined, 0]),
        topicData,
      };
      for (const { partitions } of topicData) {
        for (const partition of partitions) {
          expect(onePass.encodePartition({ ...args, ...partition })).toBeDefined();
          onePassPartitions += 1;
        }
      }
      onePass.options.enabled = false;
      const expected = await encode(request, args);
      onePass.options.enabled = true;
      const actual = await encode(request, args);
      expect(Buffer.isBuffer(expected) && Buffer.isBuffer(actual)).toBe(true);
      // As hex: jest compares Buffers element by element, seconds for these sizes.
      expect((actual as Buffer).toString('hex')).toBe((expected as Buffer).toString('hex'));
    }
    expect(onePassPartitions).toBeGreaterThan(60);
  });

  it("leaves what it does not handle exactly to kafkajs' encoder: same bytes or the same error", async () => {
    const { request, onePass } = loaded;
    const unusual: Array<[string, Message]> = [
      ['a numeric key', { key: 42, value: Buffer.from('v') }],
      ['an object value', { key: 'k', value: { a: 1 } }],
      ['a null header value', { key: 'k', value: 'v', headers: { h: null } }],
      ['null headers', { key: 'k', value: 'v', headers: null }],
      ['a non-numeric timestamp', { key: 'k', value: 'v', timestamp: 'soon' }],
      ['a numeric timestamp', { key: 'k', value: 'v', timestamp: now - 5 }],
      ['a delta beyond 2^52', { key: 'k', value: 'v', timestamp: '9007199254740000' }],
    ];
    for (const [, message] of unusual) {
      const partition = { partition: 0, firstSequence: 3, messages: [{ key: 'ok', value: 'fine' }, message] };
      const args = { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [partition] }] };
      onePass.options.enabled = false;
      const expected = await encode(request, args);
      onePass.options.enabled = true;
      expect(await encode(request, args)).toEqual(expected);
    }
    // Compressed batches stay kafkajs' own (the one-pass encoder writes uncompressed ones only).
    const gzip = {
      acks: -1,
      timeout: 1000,
      compression: 1,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v' }] }] }],
    };
    const encodeSpy = jest.spyOn(onePass, 'encodePartition');
    await encode(request, gzip);
    expect(encodeSpy).not.toHaveBeenCalled();
  });

  it("CRC32C equals the bitwise Castagnoli CRC and kafkajs' table CRC at any start and end", () => {
    const { onePass } = loaded;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kafkajsCrc = require(join(copy.dir, 'src/protocol/recordBatch/crc32C/index.js')) as (
      b: Buffer,
    ) => number;
    const bitwise = (buffer: Buffer) => {
      let crc = 0xffffffff;
      for (const byte of buffer) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    expect(onePass.crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    const g = generator(5);
    for (let trial = 0; trial < 200; trial++) {
      const buffer = g.bytes(g.int(trial < 150 ? 40 : 5000));
      const start = g.int(buffer.length + 1);
      const end = start + g.int(buffer.length - start + 1);
      const part = buffer.subarray(start, end);
      const crc = onePass.crc32c(buffer, start, end);
      expect(crc).toBe(bitwise(part));
      expect(crc).toBe(kafkajsCrc(part));
    }
  });

  it('is idempotent, copies a changed encoder again, and leaves other versions and contents alone', () => {
    const known = kafkajsCopy();
    expect(main(known.root)).toBe('patched');
    const patched = readFileSync(join(known.dir, REQUEST), 'utf8');
    expect(main(known.root)).toBe('patched already');
    expect(readFileSync(join(known.dir, REQUEST), 'utf8')).toBe(patched);
    writeFileSync(join(known.dir, ENCODER), '// an older encoder\n');
    expect(main(known.root)).toBe('encoder updated');
    expect(readFileSync(join(known.dir, ENCODER), 'utf8')).toBe(
      readFileSync(join(__dirname, 'kafkajs', 'continuumRecordBatch.js'), 'utf8'),
    );

    const other = kafkajsCopy('2.3.0');
    expect(main(other.root)).toBe('unknown version');
    expect(readFileSync(join(other.dir, REQUEST), 'utf8')).toBe(publishedRequest());
    const edited = kafkajsCopy();
    writeFileSync(join(edited.dir, REQUEST), `${publishedRequest()}\n// edited\n`);
    expect(main(edited.root)).toBe('unknown version');
    expect(main(mkdtempSync(join(tmpdir(), 'no-kafkajs-')))).toBe('absent');
    for (const root of [known.root, other.root, edited.root]) rmSync(root, { recursive: true, force: true });
  });

  afterAll(() => rmSync(copy.root, { recursive: true, force: true }));
});
