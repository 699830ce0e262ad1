// Checks that the infrastructure started by tools/infra behaves the way the project relies on:
// the broker's dev settings (no topic auto-creation, default partition count, consumer groups
// that work), and the registry's Confluent-compatible semantics as seen through the client
// library the Avro codecs use (@kafkajs/confluent-schema-registry).
import { randomUUID } from 'node:crypto';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { createTopics, publishFixtures } from '@continuum/testing';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const run = randomUUID().slice(0, 8);

describe('Kafka broker started by tools/infra', () => {
  const kafka = new Kafka({ clientId: `infra-check-${run}`, brokers, logLevel: logLevel.NOTHING });
  let admin: Admin;
  const topics: string[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('is a single-node KRaft cluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('does not create topics on first use (auto.create.topics.enable=false)', async () => {
    const topic = `infra-check-missing-${run}`;
    // A metadata request for an unknown topic is what triggers auto-creation on brokers that allow it.
    await expect(admin.fetchTopicMetadata({ topics: [topic] })).rejects.toThrow(
      /does not host this topic-partition/,
    );
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it('gives a topic created without a partition count num.partitions=3 partitions', async () => {
    const topic = `infra-check-default-${run}`;
    topics.push(topic);
    await createTopics(kafka, [{ topic }]);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0].partitions).toHaveLength(3);
  });

  it('delivers produced records to a consumer group, which commits its offsets', async () => {
    const topic = `infra-check-roundtrip-${run}`;
    const groupId = `infra-check-${run}`;
    topics.push(topic);
    await createTopics(kafka, [{ topic, partitions: 2 }]);

    const sent = Array.from({ length: 50 }, (_, i) => `record-${i}`);
    await publishFixtures(
      kafka,
      topic,
      sent.map((value, i) => ({ key: String(i % 5), value })),
    );

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push(message.value?.toString() ?? '');
            if (received.length === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect(); // commits the offsets of what was processed

    expect([...received].sort()).toEqual([...sent].sort());
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(sent.length);
    await admin.deleteGroups([groupId]);
  });
});

describe('schema registry started by tools/infra', () => {
  const registry = new SchemaRegistry({ host: registryUrl, clientId: `infra-check-${run}` });
  const subject = `infra-check-${run}-value`;
  const record = (fields: object[]) =>
    JSON.stringify({ type: 'record', name: 'InfraCheck', namespace: 'continuum.infra', fields });
  const v1 = record([{ name: 'id', type: 'string' }]);
  const v2Compatible = record([
    { name: 'id', type: 'string' },
    { name: 'score', type: 'double', default: 0 },
  ]);
  const v2Incompatible = record([
    { name: 'id', type: 'string' },
    { name: 'score', type: 'double' },
  ]);
  const register = (schema: string) =>
    registry.register({ type: SchemaType.AVRO, schema }, { subject, compatibility: COMPATIBILITY.BACKWARD });

  afterAll(async () => {
    // Soft delete, then permanent delete: Confluent semantics, enabled by tools/infra's settings.
    for (const query of ['', '?permanent=true']) {
      await fetch(`${registryUrl}/subjects/${subject}${query}`, { method: 'DELETE' });
    }
  });

  it('registers a new subject and sets its compatibility to BACKWARD', async () => {
    const { id } = await register(v1);
    expect(id).toBeGreaterThan(0);
    const config = await fetch(`${registryUrl}/config/${subject}`);
    expect(config.status).toBe(200);
    expect(await config.json()).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('returns the same id when the same schema is registered again', async () => {
    const first = await register(v1);
    const again = await register(v1);
    expect(again.id).toBe(first.id);
    expect(await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: v1 })).toBe(
      first.id,
    );
  });

  it('refuses a BACKWARD-incompatible version with HTTP 409', async () => {
    await register(v1);
    await expect(register(v2Incompatible)).rejects.toMatchObject({ status: 409 });
    const versions = await (await fetch(`${registryUrl}/subjects/${subject}/versions`)).json();
    expect(versions).toEqual([1]);
  });

  it('registers a BACKWARD-compatible version and decodes old data with the new schema', async () => {
    const { id: id1 } = await register(v1);
    const { id: id2 } = await register(v2Compatible);
    expect(id2).not.toBe(id1);

    const encoded = await registry.encode(id1, { id: 'event-1' });
    expect(encoded[0]).toBe(0); // Confluent wire format: magic byte, then the 4-byte schema id
    expect(encoded.readInt32BE(1)).toBe(id1);
    expect(await registry.decode(encoded)).toEqual({ id: 'event-1' });
    const readerSchema = await registry.getSchema(id2);
    expect(await registry.decode(encoded, { [SchemaType.AVRO]: { readerSchema } })).toEqual({
      id: 'event-1',
      score: 0,
    });
  });
});
