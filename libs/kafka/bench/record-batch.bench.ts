/**
 * kafkajs' produce request encoding alone, without a broker: sends of BENCH_SEND messages (key
 * `evt-<i>`, a BENCH_VALUE_BYTES value, as the producer bench's Avro predictions) spread over 6
 * partitions, encoded by kafkajs' own record batch encoder and by the one-pass encoder `npm ci`
 * puts in front of it (tools/install/kafkajs-produce-encoder.js), alternating; then CRC32C alone
 * over one send's bytes. Prints µs of CPU per message and MB/s.
 *
 *   node -r @swc-node/register libs/kafka/bench/record-batch.bench.ts
 *   BENCH_EVENTS=200000 BENCH_SEND=5000 BENCH_VALUE_BYTES=420 node -r @swc-node/register libs/kafka/bench/record-batch.bench.ts
 */
/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs internals, as tools/install patches them */
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: object) => {
  encode(): Promise<{ size(): number }>;
};
const Long = require('kafkajs/src/utils/long.js') as { fromInt(value: number): unknown };
const kafkajsCrc32c = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (
  buffer: Buffer,
) => number;
const onePass = require('kafkajs/src/protocol/recordBatch/v0/continuumRecordBatch.js') as {
  options: { enabled: boolean };
  crc32c(buffer: Buffer, start?: number, end?: number): number;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const SEND = Number(process.env.BENCH_SEND ?? 5_000);
const VALUE_BYTES = Number(process.env.BENCH_VALUE_BYTES ?? 420);
const PARTITIONS = 6;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function sends(): Array<Array<{ partition: number; messages: Array<{ key: string; value: Buffer }> }>> {
  const value = (i: number) => {
    const bytes = Buffer.allocUnsafe(VALUE_BYTES);
    for (let b = 0; b < VALUE_BYTES; b++) bytes[b] = (i * 31 + b * 7) & 0xff;
    return bytes;
  };
  const all = [];
  for (let start = 0; start < EVENTS; start += SEND) {
    const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({
      partition,
      messages: [] as Array<{ key: string; value: Buffer }>,
    }));
    for (let i = start; i < Math.min(EVENTS, start + SEND); i++) {
      partitions[i % PARTITIONS].messages.push({ key: `evt-${i}`, value: value(i) });
    }
    all.push(partitions);
  }
  return all;
}

async function encodeAll(data: ReturnType<typeof sends>): Promise<{ micros: number; bytes: number }> {
  const cpu0 = process.cpuUsage();
  let bytes = 0;
  let sequence = 0;
  for (const partitions of data) {
    const request = produceRequest({
      acks: -1,
      timeout: 30_000,
      producerId: Long.fromInt(4242),
      producerEpoch: 0,
      compression: 0,
      topicData: [
        {
          topic: 'bench-produce',
          partitions: partitions.map((p) => ({ ...p, firstSequence: (sequence += p.messages.length) })),
        },
      ],
    });
    bytes += (await request.encode()).size();
  }
  const cpu = process.cpuUsage(cpu0);
  return { micros: cpu.user + cpu.system, bytes };
}

async function main(): Promise<void> {
  const data = sends();
  console.log(
    `${EVENTS} messages (${VALUE_BYTES}-byte values) in sends of ${SEND} over ${PARTITIONS} partitions`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [true, false] : [false, true];
    for (const enabled of order) {
      onePass.options.enabled = enabled;
      const { micros, bytes } = await encodeAll(data);
      console.log(
        `${enabled ? 'one-pass encoder       ' : "kafkajs' own encoder   "}: ${(micros / EVENTS).toFixed(2)} µs CPU per message, ` +
          `${(bytes / micros).toFixed(0)} MB/s of request, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
      );
    }
  }
  onePass.options.enabled = true;

  const sample = Buffer.concat(data[0].flatMap((p) => p.messages.map((m) => m.value)));
  for (const [name, crc] of [
    ["kafkajs' CRC32C (byte at a time)", (b: Buffer) => kafkajsCrc32c(b)],
    ['slice-by-8 CRC32C', (b: Buffer) => onePass.crc32c(b)],
  ] as const) {
    const cpu0 = process.cpuUsage();
    const repeats = 20;
    for (let r = 0; r < repeats; r++) crc(sample);
    const cpu = process.cpuUsage(cpu0);
    console.log(`${name}: ${((sample.length * repeats) / (cpu.user + cpu.system)).toFixed(0)} MB/s`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
