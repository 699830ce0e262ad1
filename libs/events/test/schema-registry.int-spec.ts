/**
 * Contracts against the real schema registry: registration under TopicNameStrategy with an
 * explicit BACKWARD level, evolution (a compatible change registers, an incompatible one is
 * refused with a clear error), and decoding across schema versions.
 */
import {
  ContractRegistry,
  DecodeError,
  EventCodecs,
  IncompatibleSchemaError,
  type Label,
  LabelContract,
  defineContract,
  frame,
  valueSubject,
} from '../src';
import { REGISTRY_URL, uniqueName } from '@continuum/testing';

const baseSchema = JSON.parse(LabelContract.schemaText) as { fields: object[] };

/** The Label schema with one more field: with a default it is a BACKWARD-compatible change. */
function labelWith(field: object) {
  return defineContract<Label & { source?: string }>('labels.avsc', {
    ...baseSchema,
    fields: [...baseSchema.fields, field],
  });
}

describe('schema registry contracts', () => {
  const registry = new ContractRegistry({ url: REGISTRY_URL });
  const codecs = new EventCodecs(registry);
  const label: Label = { eventId: 'e-9', modelId: 'churn', timestamp: 1_700_000_000_000, label: 'yes' };

  it('registers under <topic>-value with the compatibility set explicitly, and again idempotently', async () => {
    const topic = uniqueName('labels');
    const id = await registry.register(valueSubject(topic), LabelContract);
    expect(id).toBeGreaterThan(0);
    // A second process registering the same schema gets the same id.
    expect(
      await new ContractRegistry({ url: REGISTRY_URL }).register(valueSubject(topic), LabelContract),
    ).toBe(id);
    const config = (await (await fetch(`${REGISTRY_URL}/config/${valueSubject(topic)}`)).json()) as {
      compatibilityLevel: string;
    };
    expect(config.compatibilityLevel).toBe('BACKWARD');
  });

  it('registers the same fresh subjects from several clients at once (services starting together)', async () => {
    const subjects = [1, 2, 3].map(() => valueSubject(uniqueName('labels-race')));
    const clients = Array.from({ length: 6 }, () => new ContractRegistry({ url: REGISTRY_URL }));
    // Every client configures and registers every subject at the same moment: on Apicurio all but
    // one configuration write per subject are answered 409 "rule already exists".
    const ids = await Promise.all(
      clients.flatMap((client) =>
        subjects.map(async (subject) => {
          await client.setCompatibility(subject, 'BACKWARD');
          return { subject, id: await client.register(subject, LabelContract) };
        }),
      ),
    );
    for (const subject of subjects) {
      const forSubject = new Set(ids.filter((r) => r.subject === subject).map((r) => r.id));
      expect(forSubject.size).toBe(1);
      expect(await registry.compatibility(subject)).toBe('BACKWARD');
    }
  });

  it('lets a later writer change the level: only a lost race is read back', async () => {
    const subject = valueSubject(uniqueName('labels-conflict'));
    await registry.setCompatibility(subject, 'FULL');
    const other = new ContractRegistry({ url: REGISTRY_URL });
    // A plain update is allowed (the last writer sets the level); only a lost race is read back.
    await other.setCompatibility(subject, 'BACKWARD');
    expect(await registry.compatibility(subject)).toBe('BACKWARD');
  });

  it('accepts a BACKWARD-compatible change and decodes old and new data into the reader shape', async () => {
    const topic = uniqueName('labels-evolve');
    const v1 = await codecs.encoderFor(topic, LabelContract);
    const evolved = labelWith({ name: 'source', type: 'string', default: 'unknown' });
    const v2 = await codecs.encoderFor(topic, evolved);
    expect(v2.schemaId).not.toBe(v1.schemaId);

    // New reader, old data: the default fills the new field.
    const newReader = new EventCodecs(new ContractRegistry({ url: REGISTRY_URL })).decoderFor(evolved);
    expect(await newReader.decodeOne(v1.encode(label))).toEqual({ ...label, source: 'unknown' });
    // Old reader, new data: the extra field is skipped.
    const oldReader = new EventCodecs(new ContractRegistry({ url: REGISTRY_URL })).decoderFor(LabelContract);
    expect(await oldReader.decodeOne(v2.encode({ ...label, source: 'crm' }))).toEqual(label);
  });

  it('refuses an incompatible change with an error naming the subject and level', async () => {
    const topic = uniqueName('labels-break');
    await codecs.encoderFor(topic, LabelContract);
    const breaking = labelWith({ name: 'source', type: 'string' });
    const attempt = codecs.encoderFor(topic, breaking);
    await expect(attempt).rejects.toBeInstanceOf(IncompatibleSchemaError);
    await expect(attempt).rejects.toThrow(
      `Schema for subject ${valueSubject(topic)} is not BACKWARD-compatible`,
    );
  });

  it('classifies undecodable bytes: unknown schema id, not wire format, malformed body', async () => {
    const topic = uniqueName('labels-bad');
    const encoder = await codecs.encoderFor(topic, LabelContract);
    const decoder = new EventCodecs(new ContractRegistry({ url: REGISTRY_URL })).decoderFor(LabelContract);
    const good = encoder.encode(label);
    const cases: Array<[Buffer, string]> = [
      [frame(2_000_000_000, good.subarray(5)), 'UNKNOWN_SCHEMA'],
      [Buffer.from('{"eventId":"x"}'), 'NOT_WIRE_FORMAT'],
      [good.subarray(0, good.length - 3), 'MALFORMED_AVRO'],
    ];
    for (const [bytes, kind] of cases) {
      const error = await decoder.decodeOne(bytes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).kind).toBe(kind);
    }
    expect(await decoder.decodeOne(good)).toEqual(label);
  });
});
