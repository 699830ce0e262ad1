import { type Type } from 'avsc';
import { HEADER_LENGTH, writeHeader } from './wire-format';

/**
 * Schema-specialised Avro encoding, the mirror of the columnar reader (columnar.ts): a writer
 * compiled once per schema writes a value's wire format (magic byte, schema id, Avro body) straight
 * into a chunk shared by every value, so encoding a value allocates no buffer of its own. avsc's
 * `toBuffer` writes into its own scratch buffer, then allocates a zero-filled Buffer for the body
 * (its own backing store at a prediction's ~420 bytes) and the frame copies it once more.
 *
 * The bytes are avsc's, byte for byte (its spec compares both on random values of every
 * contract): the same map key order (Object.keys), union branch choice (avsc's value buckets),
 * defaults for undefined fields, zig-zag varints, and UTF-8 including avsc's own encoding of a lone
 * surrogate in short strings. A value the writer refuses (anything avsc might not encode exactly
 * so) is written by avsc instead, see `writeWireFormat`.
 */

/** Thrown by a writer for a value it does not encode; the caller then asks avsc. Never escapes. */
const REFUSED = new Error('refused by the specialised Avro writer');

/** Fresh chunks are this large; a value that does not fit starts a chunk of its own size. */
const CHUNK_BYTES = 128 * 1024;
/** A chunk grown beyond this for one large value is not kept for the next values. */
const MAX_KEPT_CHUNK_BYTES = 1024 * 1024;
/** avsc writes strings longer than this (in UTF-8 bytes) with Buffer's UTF-8 writer. */
const AVSC_MANUAL_UTF8_BYTES = 64;

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const F32 = new Float32Array(1);
const F32_BYTES = new Uint8Array(F32.buffer);

/**
 * Where values are written: one chunk, values back to back. Bytes handed out as views are never
 * written again; a value that does not fit moves, with what it wrote so far, to a new chunk.
 */
export class WireOutput {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  /** Start of the value being written. */
  start = 0;
  /** A value is being written (a getter encoding another value must not write into it). */
  busy = false;

  /** Makes room for `bytes` more bytes of the current value. */
  room(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  private grow(bytes: number): void {
    const written = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 2 * (written + bytes)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = written;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A safe integer as a zig-zag varint: avsc's writeLong, integer arithmetic below 2^30. */
  long(n: number): void {
    this.room(10);
    const buf = this.buf;
    let pos = this.pos;
    if (n >= -1073741824 && n < 1073741824) {
      let m = n >= 0 ? n << 1 : (~n << 1) | 1;
      while (m > 0x7f) {
        buf[pos++] = (m & 0x7f) | 0x80;
        m >>>= 7;
      }
      buf[pos++] = m;
    } else {
      let f = n >= 0 ? n * 2 : -n * 2 - 1;
      while (f >= 128) {
        buf[pos++] = (f % 128) | 0x80;
        f = Math.floor(f / 128);
      }
      buf[pos++] = f;
    }
    this.pos = pos;
  }

  double(x: number): void {
    this.room(8);
    const buf = this.buf;
    const pos = this.pos;
    F64[0] = x;
    for (let i = 0; i < 8; i++) buf[pos + i] = F64_BYTES[i];
    this.pos = pos + 8;
  }

  float(x: number): void {
    this.room(4);
    const buf = this.buf;
    const pos = this.pos;
    F32[0] = x;
    for (let i = 0; i < 4; i++) buf[pos + i] = F32_BYTES[i];
    this.pos = pos + 4;
  }

  /** Length varint and UTF-8 bytes; short ASCII strings (feature names) without leaving JavaScript. */
  string(s: string): void {
    const n = s.length;
    if (n < 64) {
      this.room(n + 1);
      const buf = this.buf;
      const at = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        buf[this.pos] = n << 1;
        this.pos = at + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.long(bytes);
    this.room(bytes);
    if (bytes > AVSC_MANUAL_UTF8_BYTES) this.buf.write(s, this.pos, bytes, 'utf8');
    else utf16ToUtf8(s, this.buf, this.pos);
    this.pos += bytes;
  }

  bytes(b: Buffer): void {
    this.long(b.length);
    this.raw(b);
  }
}

/**
 * avsc's own UTF-8 loop for short strings: a surrogate pair becomes 4 bytes, a lone surrogate the
 * 3-byte form of its code unit (Buffer.write would write U+FFFD instead: same length, other bytes).
 */
function utf16ToUtf8(s: string, buf: Buffer, pos: number): void {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) buf[pos++] = c;
    else if (c < 0x800) {
      buf[pos++] = (c >> 6) | 0xc0;
      buf[pos++] = (c & 0x3f) | 0x80;
    } else if ((c & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      c = 0x10000 + ((c & 0x03ff) << 10) + (s.charCodeAt(++i) & 0x03ff);
      buf[pos++] = (c >> 18) | 0xf0;
      buf[pos++] = ((c >> 12) & 0x3f) | 0x80;
      buf[pos++] = ((c >> 6) & 0x3f) | 0x80;
      buf[pos++] = (c & 0x3f) | 0x80;
    } else {
      buf[pos++] = (c >> 12) | 0xe0;
      buf[pos++] = ((c >> 6) & 0x3f) | 0x80;
      buf[pos++] = (c & 0x3f) | 0x80;
    }
  }
}

/** Writes one value of a schema; throws REFUSED for a value it does not encode. */
export type AvroWrite = (out: WireOutput, value: unknown) => void;

type AvroType = Type & {
  typeName: string;
  fields?: Array<{ name: string; type: AvroType; defaultValue(): unknown }>;
  valuesType?: AvroType;
  itemsType?: AvroType;
  types?: AvroType[];
  symbols?: string[];
  size?: number;
};

const SAFE_LONG = 9007199254740990; // avsc's bound: it refuses longs it cannot hold exactly

/**
 * The test choosing a union branch for the value in `x`: avsc's value buckets (getValueBucket) of
 * the branch's type, or undefined for a type no unwrapped union holds.
 */
function bucketTest(type: AvroType, x: string): string | undefined {
  switch (type.typeName) {
    case 'null':
      return `${x} === null`;
    case 'boolean':
      return `typeof ${x} === 'boolean'`;
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return `typeof ${x} === 'number'`;
    case 'string':
    case 'enum':
      return `typeof ${x} === 'string'`;
    case 'bytes':
    case 'fixed':
      return `Buffer.isBuffer(${x})`;
    case 'array':
      return `Array.isArray(${x})`;
    case 'map':
    case 'record':
      return `(typeof ${x} === 'object' && ${x} !== null && !Array.isArray(${x}) && !Buffer.isBuffer(${x}))`;
  }
  return undefined;
}

/**
 * Generates the source of one function per record type of a schema: straight-line code with the
 * schema's field names as constant property loads and each type's checks and writes inlined, as
 * avsc does for its records (its maps and unions go through a call per value and a keyed load).
 */
class WriterSource {
  readonly defaults: Buffer[] = [];
  readonly enums: Array<Map<string, number>> = [];
  private readonly records = new Map<Type, string>();
  private readonly functions: string[] = [];
  private variables = 0;

  private fresh(): string {
    return `x${this.variables++}`;
  }

  /** The name of the record's function, generated on first use (a recursive record calls itself). */
  record(type: AvroType): string | undefined {
    const known = this.records.get(type);
    if (known) return known;
    const name = `record${this.records.size}`;
    this.records.set(type, name);
    const x = this.fresh();
    let body = '';
    for (const field of type.fields ?? []) {
      const y = this.fresh();
      const write = this.code(field.type, y);
      if (write === undefined) return undefined;
      body += `const ${y} = ${x}[${JSON.stringify(field.name)}];\n`;
      const defaultValue = field.defaultValue();
      if (defaultValue === undefined) body += `${write}\n`;
      else {
        // avsc writes a field's default for undefined (not for null).
        this.defaults.push(field.type.toBuffer(defaultValue));
        body += `if (${y} === undefined) out.raw(defaults[${this.defaults.length - 1}]);\nelse {\n${write}\n}\n`;
      }
    }
    this.functions.push(`function ${name}(out, ${x}) {\n${body}}`);
    return name;
  }

  /** Statements writing the value in variable `x`, or undefined for a type the writer does not know. */
  private code(type: AvroType, x: string): string | undefined {
    const refuse = 'throw REFUSED;';
    switch (type.typeName) {
      case 'null':
        return `if (${x} !== null) ${refuse}`;
      case 'boolean':
        return `if (typeof ${x} !== 'boolean') ${refuse}\nout.byte(${x} ? 1 : 0);`;
      case 'int':
        return `if (${x} !== (${x} | 0)) ${refuse}\nout.long(${x});`;
      case 'long':
        return `if (typeof ${x} !== 'number' || ${x} % 1 !== 0 || !(${x} >= ${-SAFE_LONG} && ${x} <= ${SAFE_LONG})) ${refuse}\nout.long(${x});`;
      case 'float':
        return `if (typeof ${x} !== 'number') ${refuse}\nout.float(${x});`;
      case 'double':
        return `if (typeof ${x} !== 'number') ${refuse}\nout.double(${x});`;
      case 'string':
        return `if (typeof ${x} !== 'string') ${refuse}\nout.string(${x});`;
      case 'bytes':
        return `if (!Buffer.isBuffer(${x})) ${refuse}\nout.bytes(${x});`;
      case 'fixed':
        return `if (!Buffer.isBuffer(${x}) || ${x}.length !== ${Number(type.size)}) ${refuse}\nout.raw(${x});`;
      case 'enum': {
        this.enums.push(new Map<string, number>((type.symbols ?? []).map((s, i) => [s, i])));
        const i = this.fresh();
        return `const ${i} = enums[${this.enums.length - 1}].get(${x});\nif (${i} === undefined) ${refuse}\nout.long(${i});`;
      }
      case 'map': {
        const [keys, n, i, y] = [this.fresh(), this.fresh(), this.fresh(), this.fresh()];
        const values = this.code(type.valuesType as AvroType, y);
        if (values === undefined) return undefined;
        return (
          `if (!${x} || typeof ${x} !== 'object' || Array.isArray(${x})) ${refuse}\n` +
          `const ${keys} = Object.keys(${x});\nconst ${n} = ${keys}.length;\n` +
          `if (${n}) {\nout.long(${n});\nfor (let ${i} = 0; ${i} < ${n}; ${i}++) {\n` +
          `out.string(${keys}[${i}]);\nconst ${y} = ${x}[${keys}[${i}]];\n${values}\n}\n}\nout.byte(0);`
        );
      }
      case 'array': {
        const [n, i, y] = [this.fresh(), this.fresh(), this.fresh()];
        const items = this.code(type.itemsType as AvroType, y);
        if (items === undefined) return undefined;
        return (
          `if (!Array.isArray(${x})) ${refuse}\nconst ${n} = ${x}.length;\n` +
          `if (${n}) {\nout.long(${n});\nfor (let ${i} = 0; ${i} < ${n}; ${i}++) {\n` +
          `const ${y} = ${x}[${i}];\n${items}\n}\n}\nout.byte(0);`
        );
      }
      case 'union:unwrapped': {
        // A branch index is then one byte (its zig-zag varint).
        const types = type.types ?? [];
        if (types.length > 64) return undefined;
        let code = '';
        for (let b = 0; b < types.length; b++) {
          const test = bucketTest(types[b], x);
          const write = this.code(types[b], x);
          if (test === undefined || write === undefined) return undefined;
          code += `if (${test}) {\nout.byte(${b << 1});\n${write}\n} else `;
        }
        return `${code}${refuse}`;
      }
      case 'record': {
        const name = this.record(type);
        return name && `${name}(out, ${x});`;
      }
    }
    // Wrapped unions, logical and abstract types, error records: avsc only.
    return undefined;
  }

  /** The writer of the first record generated, bound to the defaults and enums it refers to. */
  compile(): AvroWrite {
    const source = `'use strict';\n${this.functions.join('\n')}\nreturn record0;`;
    // Generated from the schema alone, as avsc generates its record writers.
    return new Function('REFUSED', 'Buffer', 'defaults', 'enums', source)(
      REFUSED,
      Buffer,
      this.defaults,
      this.enums,
    ) as AvroWrite;
  }
}

const writers = new WeakMap<Type, AvroWrite | null>();

/** The specialised writer of a record schema, or undefined when it has a type the writer does not know. */
export function avroWriter(type: Type): AvroWrite | undefined {
  let write = writers.get(type);
  if (write === undefined) {
    const source = new WriterSource();
    write =
      (type as AvroType).typeName === 'record' && source.record(type as AvroType) ? source.compile() : null;
    writers.set(type, write);
  }
  return write ?? undefined;
}

/** Off: every value takes avsc's generic path (an A/B of both in one process: benchmarks, specs). */
export const specialisedEncoding = { enabled: true };

/** The one output every specialised writer writes into: encoding is synchronous. */
const OUTPUT = new WireOutput();

/**
 * The wire format of `value` (magic byte, schema id, body) written by `write`, or undefined when
 * the writer refused the value (or is busy: a getter of the value encoding another). `view`:
 * the bytes stay in the shared chunk (no copy; holding them holds the chunk); otherwise a Buffer
 * of their own (Node's pool for small ones) and the chunk's space is reused.
 */
export function writeWireFormat(
  write: AvroWrite,
  schemaId: number,
  value: unknown,
  view: boolean,
): Buffer | undefined {
  const out = OUTPUT;
  if (out.busy || !specialisedEncoding.enabled) return undefined;
  out.busy = true;
  out.start = out.pos;
  try {
    out.room(HEADER_LENGTH);
    writeHeader(out.buf, out.pos, schemaId);
    out.pos += HEADER_LENGTH;
    write(out, value);
  } catch {
    out.pos = out.start;
    return undefined;
  } finally {
    out.busy = false;
  }
  const { buf, start, pos } = out;
  let bytes: Buffer;
  if (view) bytes = buf.subarray(start, pos);
  else {
    bytes = Buffer.allocUnsafe(pos - start);
    buf.copy(bytes, 0, start, pos);
    out.pos = start;
  }
  if (buf.length > MAX_KEPT_CHUNK_BYTES) {
    out.buf = Buffer.alloc(0);
    out.pos = out.start = 0;
  }
  return bytes;
}
