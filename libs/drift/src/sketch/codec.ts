import { InvalidStateError } from '../errors';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Little-endian binary writer for state serialization (varints for counts, float64 for reals). */
export class ByteWriter {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(x: number): void {
    this.ensure(1);
    this.buffer[this.length++] = x;
  }

  u32(x: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, x >>> 0, true);
    this.length += 4;
  }

  /** Unsigned LEB128 varint for a non-negative integer up to 2^53. */
  varUint(x: number): void {
    this.ensure(8);
    while (x >= 0x80) {
      this.buffer[this.length++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buffer[this.length++] = x;
  }

  f64(x: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, x, true);
    this.length += 8;
  }

  f64s(xs: ArrayLike<number>, from = 0, to = xs.length): void {
    this.ensure(8 * (to - from));
    for (let i = from; i < to; i++) {
      this.view.setFloat64(this.length, xs[i], true);
      this.length += 8;
    }
  }

  /** Raw bytes (the caller writes their length when the reader needs it). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  string(s: string): void {
    const bytes = textEncoder.encode(s);
    this.varUint(bytes.length);
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  get size(): number {
    return this.length;
  }

  /** The written bytes (a copy, so the writer's buffer can be reused or dropped). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Reader matching ByteWriter; every read is bounds-checked and fails with InvalidStateError. */
export class ByteReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.length) {
      throw new InvalidStateError(
        `${this.what}: truncated (needs ${n} more bytes at offset ${this.offset} of ${this.bytes.length})`,
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return x;
  }

  varUint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new InvalidStateError(`${this.what}: malformed varint at offset ${this.offset}`);
  }

  f64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return x;
  }

  f64s(n: number): Float64Array {
    this.need(8 * n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.view.getFloat64(this.offset, true);
      this.offset += 8;
    }
    return out;
  }

  /** The next `n` bytes (a view of the input, not a copy). */
  raw(n: number): Uint8Array {
    this.need(n);
    return this.bytes.subarray(this.offset, (this.offset += n));
  }

  string(): string {
    const n = this.varUint();
    this.need(n);
    try {
      return textDecoder.decode(this.bytes.subarray(this.offset, (this.offset += n)));
    } catch (cause) {
      throw new InvalidStateError(`${this.what}: invalid UTF-8 string`, { cause });
    }
  }

  /** Length prefix, checked against a sanity bound so corrupt input cannot allocate gigabytes. */
  count(max: number, field: string): number {
    const n = this.varUint();
    if (n > max) throw new InvalidStateError(`${this.what}: ${field} = ${n} exceeds the limit ${max}`);
    return n;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }
}

/** 32-bit FNV-1a over bytes: a checksum for serialized states (not cryptographic). */
export function fnv1a(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 32-bit FNV-1a over a string's UTF-16 code units (profile fingerprints). */
export function fnv1aString(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
