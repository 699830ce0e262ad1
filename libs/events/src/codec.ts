import { type Resolver, type Type } from 'avsc';
import { type AvroWrite, avroWriter, writeWireFormat } from './avro-writer';
import { type Contract } from './contract';
import { DecodeError, EncodeError } from './errors';
import { type ContractRegistry, type Compatibility, valueSubject } from './schema-registry';
import { HEADER_LENGTH, frame, schemaIdOf } from './wire-format';

function invalidPaths(type: Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') });
  return paths;
}

/**
 * Encodes values of one contract in the wire format under one registered schema id: with the
 * writer specialised to the contract's schema (avro-writer.ts) when it knows every type of it, with
 * avsc otherwise and for any value that writer refuses (so errors are avsc's). Same bytes either way.
 */
export class EventEncoder<T> {
  private readonly write: AvroWrite | undefined;

  constructor(
    readonly contract: Contract<T>,
    readonly schemaId: number,
  ) {
    this.write = avroWriter(contract.type);
  }

  /** The value's wire format in a Buffer of its own. Throws EncodeError for an invalid value. */
  encode(value: T): Buffer {
    return (this.write && writeWireFormat(this.write, this.schemaId, value, false)) ?? this.generic(value);
  }

  /**
   * The same bytes as a view into a chunk (128 KiB) shared with other values: no allocation or copy
   * of its own, but holding the view holds the chunk. For values handed to a producer at once.
   */
  encodeShared(value: T): Buffer {
    return (this.write && writeWireFormat(this.write, this.schemaId, value, true)) ?? this.generic(value);
  }

  /** avsc's path: its Buffer for the body, then the frame. */
  private generic(value: T): Buffer {
    let body: Buffer;
    try {
      body = this.contract.type.toBuffer(value);
    } catch (error) {
      throw new EncodeError(this.contract.name, invalidPaths(this.contract.type, value), { cause: error });
    }
    return frame(this.schemaId, body);
  }
}

/** How to read one writer schema id: directly, through a resolver, or not at all. */
type ReadPlan = { resolver: Resolver | undefined } | { error: DecodeError };

/**
 * Decodes wire-format values into the contract's (reader) type. Values written with an older or
 * newer compatible schema are resolved by Avro schema resolution, so consumers see one shape.
 * `prepare` does the registry I/O for a batch; `decode` is then synchronous.
 */
export class EventDecoder<T> {
  private readonly plans = new Map<number, ReadPlan>();

  constructor(
    readonly contract: Contract<T>,
    private readonly registry: ContractRegistry,
  ) {}

  /** Looks up the writer schemas these values need. Rejects only when the registry is unreachable. */
  async prepare(values: Iterable<Buffer | null | undefined>): Promise<void> {
    const missing = new Set<number>();
    let previous: number | undefined;
    for (const value of values) {
      const id = schemaIdOf(value);
      // A batch's values nearly always share one id: skip the lookups for a repeat.
      if (id === previous) continue;
      previous = id;
      // An unknown id is asked again: the registry decides how long "unknown" holds.
      const plan = id === undefined ? undefined : this.plans.get(id);
      if (id !== undefined && (!plan || ('error' in plan && plan.error.kind === 'UNKNOWN_SCHEMA')))
        missing.add(id);
    }
    for (const id of missing) this.plans.set(id, this.planFor(id, await this.registry.writerType(id)));
  }

  private planFor(id: number, writer: Type | undefined): ReadPlan {
    const reader = this.contract.type;
    if (!writer) {
      return { error: new DecodeError('UNKNOWN_SCHEMA', `schema id ${id} is not known to the registry`) };
    }
    if (writer.equals(reader)) return { resolver: undefined };
    try {
      return { resolver: reader.createResolver(writer) };
    } catch (cause) {
      return {
        error: new DecodeError(
          'INCOMPATIBLE_SCHEMA',
          `schema id ${id} (${writer.name ?? writer.typeName}) cannot be read as ${this.contract.name}: ${(cause as Error).message}`,
          { cause },
        ),
      };
    }
  }

  /** Decodes one value; throws DecodeError for anything that can never be decoded. */
  decode(value: Buffer | null | undefined): T {
    const id = schemaIdOf(value);
    if (id === undefined || !value) {
      throw new DecodeError(
        'NOT_WIRE_FORMAT',
        value
          ? `value does not start with magic byte 0 and a schema id (${value.length} bytes)`
          : 'value is empty (tombstone)',
      );
    }
    const plan = this.plans.get(id);
    if (!plan) throw new Error(`EventDecoder.prepare() was not called for schema id ${id}`);
    if ('error' in plan) throw plan.error;
    try {
      return this.contract.type.fromBuffer(value.subarray(HEADER_LENGTH), plan.resolver) as T;
    } catch (cause) {
      throw new DecodeError(
        'MALFORMED_AVRO',
        `Avro body does not match schema id ${id}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }

  async decodeOne(value: Buffer | null | undefined): Promise<T> {
    await this.prepare([value]);
    return this.decode(value);
  }
}

/** Encoders and decoders bound to one registry. */
export class EventCodecs {
  constructor(readonly registry: ContractRegistry) {}

  /** Registers the contract under `<topic>-value` (TopicNameStrategy) and returns its encoder. */
  async encoderFor<T>(
    topic: string,
    contract: Contract<T>,
    compatibility: Compatibility = 'BACKWARD',
  ): Promise<EventEncoder<T>> {
    const id = await this.registry.register(valueSubject(topic), contract, compatibility);
    return new EventEncoder(contract, id);
  }

  decoderFor<T>(contract: Contract<T>): EventDecoder<T> {
    return new EventDecoder(contract, this.registry);
  }
}
