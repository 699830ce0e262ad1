import { type Type } from 'avsc';
import { type Contract } from './contract';

/**
 * Columnar decoding of the hot event contracts (predictions, features, labels, examples): the Avro
 * body of every record of a batch is read straight into typed arrays, one per field and one per
 * map key, so a batch of n records costs a few arrays instead of n object graphs. Map keys (the
 * model's feature names) are matched against the names already known by their UTF-8 bytes, in the
 * order the previous record wrote them, so a feature name is decoded once per decoder, not once
 * per record. Only the reader schema itself is read this way; values written with another schema
 * go through avsc's schema resolution and are appended as objects (see ColumnarDecoder).
 */

/** Presence of a map key or nullable number in a row. */
export const ABSENT = 0;
export const NULL = 1;
export const PRESENT = 2;

/** Categorical codes below zero: the key is absent, or present with a null value. */
export const ABSENT_CODE = -1;
export const NULL_CODE = -2;

const SAFE_LONG = 9007199254740990; // avsc's bound: it refuses longs it cannot hold exactly

/** A malformed Avro body, with avsc's wording ('truncated buffer', 'trailing data'...). */
export class MalformedBody extends Error {}

/** A read position in one Avro body. Bounds are checked where avsc checks them. */
class Cursor {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;

  long(): number {
    const buf = this.buf;
    let n = 0;
    let k = 0;
    let b: number;
    let h: number;
    do {
      b = buf[this.pos++];
      h = b & 0x80;
      n |= (b & 0x7f) << k;
      k += 7;
    } while (h && k < 28);
    if (!h) return (n >> 1) ^ -(n & 1);
    // Beyond 28 bits: float arithmetic, as avsc does.
    let f = n;
    let fk = 268435456;
    do {
      b = buf[this.pos++];
      f += (b & 0x7f) * fk;
      fk *= 128;
    } while (b & 0x80);
    return (f % 2 ? -(f + 1) : f) / 2;
  }

  safeLong(): number {
    const n = this.long();
    if (n < -SAFE_LONG || n > SAFE_LONG) throw new MalformedBody('potential precision loss');
    return n;
  }

  double(): number {
    const pos = this.pos;
    this.pos += 8;
    if (this.pos > this.buf.length) throw new MalformedBody('truncated buffer');
    return this.buf.readDoubleLE(pos);
  }

  /** Start of a string's bytes; the cursor moves past them. */
  bytes(): number {
    const len = this.long();
    if (len < 0) throw new MalformedBody('truncated buffer');
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.buf.length) throw new MalformedBody('truncated buffer');
    return start;
  }

  string(): string {
    const start = this.bytes();
    return this.buf.toString('utf8', start, this.pos);
  }

  /** Items in the next block of an array or map; 0 ends it. */
  blockSize(): number {
    let n = this.long();
    if (n < 0) {
      n = -n;
      this.long(); // the block's size in bytes, for skipping
    }
    return n;
  }

  unionIndex(branches: number): number {
    const i = this.long();
    if (i < 0 || i >= branches || !Number.isInteger(i)) throw new MalformedBody('invalid union index');
    return i;
  }
}

/** Whether buf[start, end) holds exactly the bytes of `bytes`. */
function sameBytes(bytes: Buffer, buf: Buffer, start: number, end: number): boolean {
  if (bytes.length !== end - start) return false;
  for (let j = 0; j < bytes.length; j++) if (bytes[j] !== buf[start + j]) return false;
  return true;
}

/**
 * The last few distinct strings a column read, by their bytes: model ids, versions and segment
 * values repeat from record to record, and comparing a few bytes is cheaper than decoding UTF-8
 * into a new string. A column whose values rarely repeat (event ids) stops looking after a while.
 */
class RecentStrings {
  private readonly bytes: Buffer[] = [];
  private readonly strings: string[] = [];
  private next = 0;
  private hits = 0;
  private misses = 0;

  read(cur: Cursor): string {
    const start = cur.bytes();
    const end = cur.pos;
    const buf = cur.buf;
    if (this.misses > 64 && this.misses > 4 * this.hits) return buf.toString('utf8', start, end);
    for (let i = 0; i < this.bytes.length; i++) {
      if (sameBytes(this.bytes[i], buf, start, end)) {
        this.hits++;
        return this.strings[i];
      }
    }
    this.misses++;
    const value = buf.toString('utf8', start, end);
    this.bytes[this.next] = Buffer.from(buf.subarray(start, end));
    this.strings[this.next] = value;
    this.next = (this.next + 1) % 4;
    return value;
  }
}

type Scalar = 'null' | 'string' | 'long' | 'int' | 'double' | 'boolean';
const SCALARS = new Set<string>(['null', 'string', 'long', 'int', 'double', 'boolean']);

function readScalar(cur: Cursor, kind: Scalar): unknown {
  switch (kind) {
    case 'null':
      return null;
    case 'string':
      return cur.string();
    case 'long':
      return cur.safeLong();
    case 'int':
      return cur.long() | 0;
    case 'double':
      return cur.double();
    case 'boolean': {
      const b = cur.buf[cur.pos++];
      if (b === undefined) throw new MalformedBody('truncated buffer');
      return b === 1;
    }
  }
}

/** One field's values for every row of a batch. */
interface Column {
  reset(capacity: number): void;
  read(cur: Cursor, row: number): void;
  /** Writes a decoded value (the generic path). */
  set(row: number, value: unknown): void;
  get(row: number): unknown;
  /** Forgets a row that was read but refused, so the next row can take its place. */
  clear(row: number): void;
}

/** A string or a nullable string. */
export class StringColumn implements Column {
  values: Array<string | null> = [];
  private recent = new RecentStrings();
  constructor(private readonly nullable: boolean) {}
  reset(capacity: number): void {
    this.values = new Array<string | null>(capacity);
    this.recent = new RecentStrings();
  }
  read(cur: Cursor, row: number): void {
    this.values[row] = this.nullable && cur.unionIndex(2) === 0 ? null : this.recent.read(cur);
  }
  set(row: number, value: unknown): void {
    this.values[row] = value as string | null;
  }
  get(row: number): unknown {
    return this.values[row];
  }
  clear(): void {}
}

/** A long, int or double, or a nullable one (presence tells null from a value). */
export class NumberColumn implements Column {
  values = new Float64Array(0);
  presence = new Uint8Array(0);
  constructor(
    private readonly kind: 'long' | 'int' | 'double',
    private readonly nullable: boolean,
  ) {}
  reset(capacity: number): void {
    this.values = new Float64Array(capacity);
    this.presence = new Uint8Array(capacity);
  }
  read(cur: Cursor, row: number): void {
    if (this.nullable && cur.unionIndex(2) === 0) {
      this.presence[row] = NULL;
      return;
    }
    this.values[row] = this.kind === 'double' ? cur.double() : (readScalar(cur, this.kind) as number);
    this.presence[row] = PRESENT;
  }
  set(row: number, value: unknown): void {
    if (value === null) this.presence[row] = NULL;
    else {
      this.values[row] = value as number;
      this.presence[row] = PRESENT;
    }
  }
  get(row: number): unknown {
    return this.presence[row] === PRESENT ? this.values[row] : null;
  }
  clear(): void {}
}

/** Any other union of scalars (a label: double or string), kept as JS values. */
export class ValueColumn implements Column {
  values: unknown[] = [];
  constructor(private readonly branches: Scalar[]) {}
  reset(capacity: number): void {
    this.values = new Array<unknown>(capacity);
  }
  read(cur: Cursor, row: number): void {
    this.values[row] = readScalar(cur, this.branches[cur.unionIndex(this.branches.length)]);
  }
  set(row: number, value: unknown): void {
    this.values[row] = value;
  }
  get(row: number): unknown {
    return this.values[row];
  }
  clear(): void {}
}

/**
 * The names of a map's keys in first-seen order, kept by the decoder across batches (the model's
 * feature list), with their UTF-8 bytes for matching without decoding.
 */
class KeyDictionary {
  readonly names: string[] = [];
  private readonly bytes: Buffer[] = [];
  private readonly index = new Map<string, number>();

  constructor(seed: readonly string[] = []) {
    for (const name of seed) this.indexOf(name);
  }

  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.bytes.push(Buffer.from(name, 'utf8'));
      this.index.set(name, i);
    }
    return i;
  }

  /** The index of the key whose bytes are buf[start, end), trying `guess` first. */
  match(buf: Buffer, start: number, end: number, guess: number): number {
    const candidate = this.bytes[guess];
    if (candidate !== undefined && sameBytes(candidate, buf, start, end)) return guess;
    return this.indexOf(buf.toString('utf8', start, end));
  }
}

/** Shared reading of map<V>: block by block, key by key, the value into the key's column. */
abstract class MapColumn implements Column {
  protected capacity = 0;
  /** Keys the current batch has a column for (a prefix of the dictionary's names). */
  protected width = 0;

  constructor(
    readonly keys: KeyDictionary,
    protected readonly nullable: boolean,
  ) {}

  /** Key names; column k of the batch is the k-th name. */
  get names(): readonly string[] {
    return this.keys.names.slice(0, this.width);
  }

  reset(capacity: number): void {
    this.capacity = capacity;
    this.width = 0;
    this.resetColumns();
  }

  protected abstract resetColumns(): void;
  protected abstract addColumn(): void;
  protected abstract readValue(cur: Cursor, key: number, row: number): void;
  protected abstract setValue(key: number, row: number, value: unknown): void;
  protected abstract valueAt(key: number, row: number): unknown;
  protected abstract isPresent(key: number, row: number): boolean;
  protected abstract clearKey(key: number, row: number): void;

  protected column(key: number): number {
    while (this.width <= key) {
      this.addColumn();
      this.width++;
    }
    return key;
  }

  read(cur: Cursor, row: number): void {
    let guess = 0;
    let n: number;
    while ((n = cur.blockSize())) {
      while (n--) {
        const start = cur.bytes();
        const key = this.column(this.keys.match(cur.buf, start, cur.pos, guess));
        this.readValue(cur, key, row);
        guess = key + 1;
      }
    }
  }

  set(row: number, value: unknown): void {
    const map = value as Record<string, unknown>;
    for (const name in map) this.setValue(this.column(this.keys.indexOf(name)), row, map[name]);
  }

  get(row: number): unknown {
    const out: Record<string, unknown> = {};
    const names = this.keys.names;
    for (let k = 0; k < this.width; k++) if (this.isPresent(k, row)) out[names[k]] = this.valueAt(k, row);
    return out;
  }

  clear(row: number): void {
    for (let k = 0; k < this.width; k++) this.clearKey(k, row);
  }
}

/** map<double> or map<[null, double]>: one Float64Array per key, presence per key and row. */
export class NumericMapColumn extends MapColumn {
  values: Float64Array[] = [];
  presence: Uint8Array[] = [];

  protected resetColumns(): void {
    this.values = [];
    this.presence = [];
  }
  protected addColumn(): void {
    this.values.push(new Float64Array(this.capacity));
    this.presence.push(new Uint8Array(this.capacity));
  }
  protected readValue(cur: Cursor, key: number, row: number): void {
    if (this.nullable && cur.unionIndex(2) === 0) this.presence[key][row] = NULL;
    else {
      this.values[key][row] = cur.double();
      this.presence[key][row] = PRESENT;
    }
  }
  protected setValue(key: number, row: number, value: unknown): void {
    if (value === null) this.presence[key][row] = NULL;
    else {
      this.values[key][row] = value as number;
      this.presence[key][row] = PRESENT;
    }
  }
  protected valueAt(key: number, row: number): unknown {
    return this.presence[key][row] === NULL ? null : this.values[key][row];
  }
  protected isPresent(key: number, row: number): boolean {
    return this.presence[key][row] !== ABSENT;
  }
  protected clearKey(key: number, row: number): void {
    this.presence[key][row] = ABSENT;
  }
}

/**
 * map<string> or map<[null, string]>: per key, an Int32Array of codes into that key's levels in
 * this batch (ABSENT_CODE, NULL_CODE below zero).
 */
export class CategoricalMapColumn extends MapColumn {
  codes: Int32Array[] = [];
  levels: string[][] = [];
  private levelIndex: Array<Map<string, number>> = [];
  /** UTF-8 bytes of the first levels of each key, matched before decoding a value. */
  private levelBytes: Buffer[][] = [];

  protected resetColumns(): void {
    this.codes = [];
    this.levels = [];
    this.levelIndex = [];
    this.levelBytes = [];
  }
  protected addColumn(): void {
    this.codes.push(new Int32Array(this.capacity).fill(ABSENT_CODE));
    this.levels.push([]);
    this.levelIndex.push(new Map());
    this.levelBytes.push([]);
  }
  /** The code of the level whose bytes the cursor is at; low-cardinality keys never decode a repeat. */
  private readCode(cur: Cursor, key: number): number {
    const start = cur.bytes();
    const known = this.levelBytes[key];
    for (let c = 0; c < known.length; c++) if (sameBytes(known[c], cur.buf, start, cur.pos)) return c;
    const code = this.code(key, cur.buf.toString('utf8', start, cur.pos));
    if (code === known.length && known.length < 16) known.push(Buffer.from(cur.buf.subarray(start, cur.pos)));
    return code;
  }
  private code(key: number, level: string): number {
    const index = this.levelIndex[key];
    let c = index.get(level);
    if (c === undefined) {
      c = this.levels[key].length;
      this.levels[key].push(level);
      index.set(level, c);
    }
    return c;
  }
  protected readValue(cur: Cursor, key: number, row: number): void {
    this.codes[key][row] = this.nullable && cur.unionIndex(2) === 0 ? NULL_CODE : this.readCode(cur, key);
  }
  protected setValue(key: number, row: number, value: unknown): void {
    this.codes[key][row] = value === null ? NULL_CODE : this.code(key, value as string);
  }
  protected valueAt(key: number, row: number): unknown {
    const c = this.codes[key][row];
    return c === NULL_CODE ? null : this.levels[key][c];
  }
  protected isPresent(key: number, row: number): boolean {
    return this.codes[key][row] !== ABSENT_CODE;
  }
  protected clearKey(key: number, row: number): void {
    this.codes[key][row] = ABSENT_CODE;
  }
}

/** A record's fields as columns, in schema order. */
export class RecordColumns implements Column {
  constructor(readonly fields: ReadonlyArray<{ name: string; column: Column }>) {}

  reset(capacity: number): void {
    for (const f of this.fields) f.column.reset(capacity);
  }
  read(cur: Cursor, row: number): void {
    for (const f of this.fields) f.column.read(cur, row);
  }
  set(row: number, value: unknown): void {
    const record = value as Record<string, unknown>;
    for (const f of this.fields) f.column.set(row, record[f.name]);
  }
  get(row: number): unknown {
    const out: Record<string, unknown> = {};
    for (const f of this.fields) out[f.name] = f.column.get(row);
    return out;
  }
  clear(row: number): void {
    for (const f of this.fields) f.column.clear(row);
  }

  private field(name: string): Column {
    const f = this.fields.find((x) => x.name === name);
    if (!f) throw new Error(`no field '${name}' in this record`);
    return f.column;
  }

  private typed<C>(name: string, kind: abstract new (...args: never[]) => C): C {
    const column = this.field(name);
    if (!(column instanceof kind)) throw new Error(`field '${name}' is not a ${kind.name}`);
    return column as C;
  }

  strings(name: string): StringColumn {
    return this.typed(name, StringColumn);
  }
  numbers(name: string): NumberColumn {
    return this.typed(name, NumberColumn);
  }
  values(name: string): ValueColumn {
    return this.typed(name, ValueColumn);
  }
  numericMap(name: string): NumericMapColumn {
    return this.typed(name, NumericMapColumn);
  }
  categoricalMap(name: string): CategoricalMapColumn {
    return this.typed(name, CategoricalMapColumn);
  }
  record(name: string): RecordColumns {
    return this.typed(name, RecordColumns);
  }
}

type AvroType = Type & {
  typeName: string;
  fields?: Array<{ name: string; type: AvroType }>;
  valuesType?: AvroType;
  types?: AvroType[];
};

/** The non-null branch of ['null', X], or undefined for any other type. */
function nullableBranch(type: AvroType): AvroType | undefined {
  const types = type.types;
  if (!type.typeName.startsWith('union') || !types || types.length !== 2) return undefined;
  return types[0].typeName === 'null' ? types[1] : undefined;
}

/**
 * Builds the columns of a record type, with the map-key dictionaries `dictionaries` holds by field
 * path (created on first use). Undefined when a field has a type the columnar reader does not
 * handle (arrays, enums, fixed, nested unions...): such contracts take the generic path only.
 */
function compile(type: AvroType, path: string, dictionaries: Map<string, KeyDictionary>): Column | undefined {
  const name = type.typeName;
  const branch = nullableBranch(type);
  const base = branch ?? type;
  const nullable = branch !== undefined;
  switch (base.typeName) {
    case 'string':
      return new StringColumn(nullable);
    case 'long':
    case 'int':
    case 'double':
      return new NumberColumn(base.typeName, nullable);
    case 'map': {
      if (nullable) return undefined;
      const values = base.valuesType as AvroType;
      const inner = nullableBranch(values) ?? values;
      let keys = dictionaries.get(path);
      if (!keys) dictionaries.set(path, (keys = new KeyDictionary()));
      if (inner.typeName === 'double') return new NumericMapColumn(keys, inner !== values);
      if (inner.typeName === 'string') return new CategoricalMapColumn(keys, inner !== values);
      return undefined;
    }
    case 'record': {
      if (nullable) return undefined;
      const fields: Array<{ name: string; column: Column }> = [];
      for (const f of base.fields ?? []) {
        const column = compile(f.type, path ? `${path}.${f.name}` : f.name, dictionaries);
        if (!column) return undefined;
        fields.push({ name: f.name, column });
      }
      return new RecordColumns(fields);
    }
  }
  if (name.startsWith('union') && type.types?.every((t) => SCALARS.has(t.typeName))) {
    return new ValueColumn(type.types.map((t) => t.typeName as Scalar));
  }
  return undefined;
}

/**
 * The records of one batch as columns. `size` rows are valid; `row(i)` rebuilds the i-th record as
 * the generic decoder would return it (for code that wants objects, and for tests).
 */
export class ColumnarRecords<T> {
  size = 0;
  private readonly cursor = new Cursor();

  constructor(readonly columns: RecordColumns) {}

  /** Starts a batch of at most `capacity` rows. */
  reset(capacity: number): void {
    this.size = 0;
    this.columns.reset(capacity);
  }

  /** Reads one Avro body (no wire-format header) as the next row; throws MalformedBody. */
  appendBody(body: Buffer, start: number): void {
    const cur = this.cursor;
    cur.buf = body;
    cur.pos = start;
    try {
      this.columns.read(cur, this.size);
      if (cur.pos > body.length) throw new MalformedBody('truncated buffer');
      if (cur.pos < body.length) throw new MalformedBody('trailing data');
    } catch (error) {
      this.columns.clear(this.size);
      throw error;
    }
    this.size++;
  }

  /** Appends a record decoded by the generic path. */
  appendValue(value: T): void {
    this.columns.set(this.size++, value);
  }

  /** Drops the last row (refused by validation). */
  dropLast(): void {
    this.columns.clear(--this.size);
  }

  row(i: number): T {
    return this.columns.get(i) as T;
  }
}

/**
 * A schema-specialised reader for one contract, holding the map-key dictionaries across batches.
 * `seedKeys` gives the expected keys of a map field by path ('numeric', 'output.classProbabilities'),
 * e.g. the model's feature list, so its columns come in that order.
 */
export class ColumnarReader<T> {
  private readonly dictionaries = new Map<string, KeyDictionary>();

  private constructor(readonly contract: Contract<T>) {}

  /** Undefined when the contract's schema has a field the columnar reader does not handle. */
  static for<T>(
    contract: Contract<T>,
    seedKeys: Record<string, readonly string[]> = {},
  ): ColumnarReader<T> | undefined {
    const reader = new ColumnarReader(contract);
    for (const [path, keys] of Object.entries(seedKeys))
      reader.dictionaries.set(path, new KeyDictionary(keys));
    return reader.newRecords() ? reader : undefined;
  }

  /** Empty columns for one batch; map keys share this reader's dictionaries. */
  newRecords(): ColumnarRecords<T> | undefined {
    const columns = compile(this.contract.type as AvroType, '', this.dictionaries);
    return columns instanceof RecordColumns ? new ColumnarRecords<T>(columns) : undefined;
  }
}
