import { type Contract } from './contract';
import { ColumnarReader, type ColumnarRecords } from './columnar';
import { EventDecoder } from './codec';
import { DecodeError } from './errors';
import { type ContractRegistry } from './schema-registry';
import { HEADER_LENGTH, schemaIdOf } from './wire-format';

/**
 * Decodes wire-format values of one contract into columns (ColumnarRecords). Values written with
 * the reader schema itself are read straight into the columns; values of any other writer schema
 * take the generic path (avsc with schema resolution, see EventDecoder) and are appended as
 * objects, so both give the same rows. Errors are the generic path's DecodeErrors.
 */
export class ColumnarDecoder<T> {
  private readonly generic: EventDecoder<T>;
  /** Writer schema id → written with the reader schema (read directly). */
  private readonly direct = new Map<number, boolean>();

  private constructor(
    readonly contract: Contract<T>,
    private readonly registry: ContractRegistry,
    private readonly reader: ColumnarReader<T>,
  ) {
    this.generic = new EventDecoder(contract, registry);
  }

  /**
   * Undefined when the contract's schema has fields the columnar reader does not handle.
   * `seedKeys`: expected map keys by field path (the model's feature list), see ColumnarReader.
   */
  static for<T>(
    contract: Contract<T>,
    registry: ContractRegistry,
    seedKeys?: Record<string, readonly string[]>,
  ): ColumnarDecoder<T> | undefined {
    const reader = ColumnarReader.for(contract, seedKeys);
    return reader && new ColumnarDecoder(contract, registry, reader);
  }

  /** Looks up the writer schemas these values need. Rejects only when the registry is unreachable. */
  async prepare(values: Iterable<Buffer | null | undefined>): Promise<void> {
    const list = Array.isArray(values) ? (values as Array<Buffer | null | undefined>) : [...values];
    await this.generic.prepare(list);
    const seen = new Set<number>();
    let previous: number | undefined;
    for (const value of list) {
      const id = schemaIdOf(value);
      // A batch's values nearly always share one id: skip the lookups for a repeat.
      if (id === previous) continue;
      previous = id;
      if (id === undefined || this.direct.has(id) || seen.has(id)) continue;
      seen.add(id);
      const writer = await this.registry.writerType(id);
      if (writer) this.direct.set(id, writer.equals(this.contract.type));
    }
  }

  /** Empty columns for a batch of at most `capacity` values. */
  begin(capacity: number): ColumnarRecords<T> {
    const records = this.reader.newRecords() as ColumnarRecords<T>;
    records.reset(capacity);
    return records;
  }

  /** Appends one value as the next row; throws DecodeError (the row is then not added). */
  append(records: ColumnarRecords<T>, value: Buffer | null | undefined): void {
    const id = schemaIdOf(value);
    if (id === undefined || !value || this.direct.get(id) !== true) {
      records.appendValue(this.generic.decode(value));
      return;
    }
    try {
      records.appendBody(value, HEADER_LENGTH);
    } catch (cause) {
      throw new DecodeError(
        'MALFORMED_AVRO',
        `Avro body does not match schema id ${id}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
}
