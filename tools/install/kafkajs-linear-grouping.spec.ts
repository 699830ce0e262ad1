import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main, MARKER } = require('./kafkajs-linear-grouping.js') as {
  main(root: string): string;
  MARKER: string;
};

type Grouping = (args: {
  topic: string;
  partitionMetadata: Array<{ partitionId: number }>;
  messages: Array<{ key: string; partition: number }>;
  partitioner: (args: { message: { partition: number } }) => number;
}) => Record<string, Array<{ key: string; partition: number }>>;

/** kafkajs 2.2.4's own grouping, as shipped: a fresh list per message (quadratic). */
const QUADRATIC = `module.exports = ({ topic, partitionMetadata, messages, partitioner }) => {
  if (partitionMetadata.length === 0) {
    return {}
  }

  return messages.reduce((result, message) => {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition] || []
    return Object.assign(result, { [partition]: [...current, message] })
  }, {})
}
`;

function fakeKafkajs(version: string): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'kafkajs-grouping-'));
  const dir = join(root, 'node_modules', 'kafkajs');
  mkdirSync(join(dir, 'src', 'producer'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'kafkajs', version }));
  const file = join(dir, 'src', 'producer', 'groupMessagesPerPartition.js');
  writeFileSync(file, QUADRATIC);
  return { root, file };
}

function load(file: string): Grouping {
  const module = { exports: undefined as unknown as Grouping };
  new Function('module', readFileSync(file, 'utf8'))(module);
  return module.exports;
}

describe('kafkajs producer grouping made linear at install (tools/install/kafkajs-linear-grouping.js)', () => {
  it('the installed kafkajs carries the linear grouping (npm ci ran the postinstall)', () => {
    const installed = readFileSync(
      require.resolve('kafkajs/src/producer/groupMessagesPerPartition.js'),
      'utf8',
    );
    expect(installed).toContain(MARKER);
  });

  it('groups exactly as kafkajs 2.2.4 does: same partitions, same messages in order, fresh arrays', () => {
    const { root, file } = fakeKafkajs('2.2.4');
    const quadratic = load(file);
    expect(main(root)).toBe('patched');
    const linear = load(file);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId }));
    const partitioner = ({ message }: { message: { partition: number } }) => message.partition;
    for (const size of [0, 1, 17, 1000]) {
      const messages = Array.from({ length: size }, (_, i) => ({
        key: `k${i}`,
        partition: Math.floor(random() * 6),
      }));
      const args = { topic: 't', partitionMetadata, messages, partitioner };
      const expected = quadratic(args);
      const actual = linear(args);
      expect(actual).toEqual(expected);
      for (const list of Object.values(actual)) expect(list).not.toBe(messages);
    }
    expect(
      linear({ topic: 't', partitionMetadata: [], messages: [{ key: 'a', partition: 0 }], partitioner }),
    ).toEqual({});
  });

  it('is idempotent and leaves any other kafkajs version alone', () => {
    const known = fakeKafkajs('2.2.4');
    expect(main(known.root)).toBe('patched');
    expect(main(known.root)).toBe('patched already');
    const other = fakeKafkajs('2.3.0');
    expect(main(other.root)).toBe('unknown version');
    expect(readFileSync(other.file, 'utf8')).toBe(QUADRATIC);
    expect(main(mkdtempSync(join(tmpdir(), 'no-kafkajs-')))).toBe('absent');
  });
});
