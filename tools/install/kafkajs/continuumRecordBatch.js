'use strict';
/**
 * One partition's entry of a Produce request (v3–v7: partition, size, then a magic-2 record batch,
 * uncompressed), written in one pass into one buffer — byte for byte what kafkajs 2.2.4 writes.
 *
 * Copied into kafkajs as src/protocol/recordBatch/v0/continuumRecordBatch.js and called first by its
 * produce v3 request encoder (tools/install/kafkajs-produce-encoder.js). kafkajs builds each record
 * as an Encoder of its own (a zeroed 512-byte buffer), writes every varint through a temporary
 * array and Buffer.from, every 64-bit varint through BigInt arithmetic, then copies the records into
 * a doubling batch buffer, computes CRC32C one byte at a time and copies the batch twice more; that
 * was most of the raw producer's CPU (libs/kafka/README.md, "The producer path"). Here sizes are
 * computed first, the entry is one Buffer.allocUnsafe, and CRC32C reads 8 bytes per step
 * (slice-by-8).
 *
 * Anything this path does not know exactly — a key or value that is neither a Buffer, a string nor
 * null, headers that are not a plain object of Buffer/string values (or arrays of them), a timestamp
 * delta that is not a safe integer, an empty partition — returns undefined, and kafkajs' own encoder
 * runs as before.
 */
const Encoder = require('../../encoder');
const Long = require('../../../utils/long');

const MAGIC_BYTE = 2;
const TRANSACTIONAL_MASK = 16;
/** partition(4) size(4) firstOffset(8) batchLength(4) leaderEpoch(4) magic(1) crc(4). */
const CRC_START = 29;
/** attributes(2) lastOffsetDelta(4) firstTimestamp(8) maxTimestamp(8) producerId(8) epoch(2) sequence(4) count(4). */
const BATCH_HEADER = 40;
/** Beyond this a zig-zag encoded 64-bit delta is no longer exact in a double: kafkajs' encoder takes over. */
const MAX_DELTA = 2 ** 52;

/** Set to false (benchmarks, specs) to run kafkajs' own encoder for an A/B in one process. */
const options = { enabled: true };

const CASTAGNOLI = 0x82f63b78;
/** Eight 256-entry tables: T[k][n] is the CRC of byte n followed by k zero bytes. */
const CRC_TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC32C (Castagnoli) of buffer[start, end), as an unsigned 32-bit integer. */
function crc32c(buffer, start = 0, end = buffer.length) {
  const t = CRC_TABLES;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = crc ^ (buffer[i] | (buffer[i + 1] << 8) | (buffer[i + 2] << 16) | (buffer[i + 3] << 24));
    const hi = buffer[i + 4] | (buffer[i + 5] << 8) | (buffer[i + 6] << 16) | (buffer[i + 7] << 24);
    crc =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + (hi & 0xff)] ^
      t[512 + ((hi >>> 8) & 0xff)] ^
      t[256 + ((hi >>> 16) & 0xff)] ^
      t[hi >>> 24];
  }
  for (; i < end; i++) crc = t[(crc ^ buffer[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Zig-zag of a safe integer, as a non-negative double (exact below 2^53). */
function zigZag(value) {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes of the unsigned LEB128 varint of a non-negative integer. */
function uvarintSize(value) {
  let bytes = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    bytes++;
  }
  return bytes;
}

function writeUvarint(buffer, offset, value) {
  while (value >= 128) {
    buffer[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buffer[offset++] = value;
  return offset;
}

/** UTF-8 length of a string; the short ASCII strings keys are, without leaving JavaScript. */
function utf8Length(text) {
  const n = text.length;
  if (n > 64) return Buffer.byteLength(text, 'utf8');
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, 'utf8');
  return n;
}

/** Writes a key, value or header as kafkajs does (length varint, then the bytes; null: -1). */
function writeBytes(buffer, offset, data, length) {
  if (length < 0) {
    buffer[offset] = 1; // zig-zag of -1
    return offset + 1;
  }
  offset = writeUvarint(buffer, offset, length * 2);
  if (typeof data === 'string') {
    if (length === data.length) {
      for (let i = 0; i < length; i++) buffer[offset + i] = data.charCodeAt(i);
    } else {
      buffer.write(data, offset, length, 'utf8');
    }
  } else if (length < 32) {
    for (let i = 0; i < length; i++) buffer[offset + i] = data[i];
  } else {
    buffer.set(data, offset);
  }
  return offset + length;
}

/** Byte length of a key or value, -1 for null, undefined when this path cannot encode it. */
function dataLength(data) {
  if (data === null || data === undefined) return -1;
  if (typeof data === 'string') return utf8Length(data);
  if (Buffer.isBuffer(data)) return data.length;
  return undefined;
}

/** Bytes of a length-prefixed field of `length` bytes (-1: null). */
function fieldSize(length) {
  return length < 0 ? 1 : uvarintSize(length * 2) + length;
}

/**
 * A message's headers flattened as kafkajs does ({ key: value | value[] } → [key, value] pairs in
 * key order), or undefined when a value is not a Buffer or string (kafkajs' encoder decides).
 */
function headerPairs(headers) {
  if (headers === undefined) return EMPTY;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  const pairs = [];
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string' && !Buffer.isBuffer(v)) return undefined;
      pairs.push(key, v);
    }
  }
  return pairs;
}
const EMPTY = [];

/**
 * The partition entry kafkajs' produce v3 encoder would write for these messages, as a kafkajs
 * Encoder holding exactly those bytes, or undefined to let kafkajs encode it. Timestamps as
 * kafkajs: the batch's first and max timestamps are the first and last of the messages' own
 * (sorted as kafkajs sorts them), each record's delta is its timestamp (or now) minus the first.
 */
function encodePartition({ partition, messages, transactionalId, firstSequence, producerId, producerEpoch }) {
  const count = messages.length;
  if (!options.enabled || count === 0) return undefined;
  const dateNow = Date.now();
  let firstTimestamp = dateNow;
  let maxTimestamp = dateNow;
  let stamped = false;
  for (let i = 0; i < count; i++) {
    if (messages[i].timestamp != null) {
      stamped = true;
      break;
    }
  }
  if (stamped) {
    const timestamps = messages
      .map((m) => m.timestamp)
      .filter((timestamp) => timestamp != null)
      .sort();
    firstTimestamp = timestamps[0];
    maxTimestamp = timestamps[timestamps.length - 1];
  }

  // Pass 1: every length, so the entry is allocated once.
  const lengths = new Int32Array(count * 3); // key, value, record body
  const zigZagDeltas = new Float64Array(count);
  const headerLists = new Array(count);
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const message = messages[i];
    const keyLength = dataLength(message.key);
    const valueLength = dataLength(message.value);
    const pairs = headerPairs(message.headers);
    const delta = (message.timestamp || dateNow) - firstTimestamp;
    if (keyLength === undefined || valueLength === undefined || pairs === undefined) return undefined;
    if (!Number.isSafeInteger(delta) || Math.abs(delta) >= MAX_DELTA) return undefined;
    const zigZagDelta = zigZag(delta);
    // pairs.length is twice the header count: the count's zig-zag.
    let headersSize = uvarintSize(pairs.length);
    for (let h = 0; h < pairs.length; h += 2) {
      headersSize += fieldSize(utf8Length(pairs[h])) + fieldSize(dataLength(pairs[h + 1]));
    }
    const bodySize =
      1 +
      uvarintSize(zigZagDelta) +
      uvarintSize(i * 2) +
      fieldSize(keyLength) +
      fieldSize(valueLength) +
      headersSize;
    lengths[3 * i] = keyLength;
    lengths[3 * i + 1] = valueLength;
    lengths[3 * i + 2] = bodySize;
    zigZagDeltas[i] = zigZagDelta;
    headerLists[i] = pairs;
    recordsSize += uvarintSize(bodySize * 2) + bodySize;
  }

  const recordBatchSize = 61 + recordsSize; // firstOffset, length, leader epoch, magic, crc, body
  const buffer = Buffer.allocUnsafe(8 + recordBatchSize);
  const header = new Encoder(64)
    .writeInt32(partition)
    .writeInt32(recordBatchSize)
    .writeInt64(Long.fromInt(0)) // first offset
    .writeInt32(recordBatchSize - 12) // batch length
    .writeInt32(0) // partition leader epoch
    .writeInt8(MAGIC_BYTE)
    .writeUInt32(0) // CRC, below
    .writeInt16(transactionalId ? TRANSACTIONAL_MASK : 0) // attributes: no compression, create time
    .writeInt32(count - 1) // last offset delta
    .writeInt64(firstTimestamp)
    .writeInt64(maxTimestamp)
    .writeInt64(producerId === undefined ? Long.fromValue(-1) : producerId)
    .writeInt16(producerEpoch === undefined ? 0 : producerEpoch)
    .writeInt32(firstSequence === undefined ? 0 : firstSequence)
    .writeInt32(count);
  header.buf.copy(buffer, 0, 0, CRC_START + BATCH_HEADER);

  // Pass 2: the records.
  let offset = CRC_START + BATCH_HEADER;
  for (let i = 0; i < count; i++) {
    const message = messages[i];
    const pairs = headerLists[i];
    offset = writeUvarint(buffer, offset, lengths[3 * i + 2] * 2);
    buffer[offset++] = 0; // record attributes
    offset = writeUvarint(buffer, offset, zigZagDeltas[i]);
    offset = writeUvarint(buffer, offset, i * 2);
    offset = writeBytes(buffer, offset, message.key, lengths[3 * i]);
    offset = writeBytes(buffer, offset, message.value, lengths[3 * i + 1]);
    offset = writeUvarint(buffer, offset, pairs.length);
    for (let h = 0; h < pairs.length; h += 2) {
      offset = writeBytes(buffer, offset, pairs[h], utf8Length(pairs[h]));
      offset = writeBytes(buffer, offset, pairs[h + 1], dataLength(pairs[h + 1]));
    }
  }
  if (offset !== buffer.length)
    throw new Error(`record batch size mismatch: wrote ${offset} of ${buffer.length}`);
  buffer.writeUInt32BE(crc32c(buffer, CRC_START, buffer.length), CRC_START - 4);

  const entry = new Encoder(1);
  entry.buf = buffer;
  entry.offset = buffer.length;
  return entry;
}

module.exports = { encodePartition, crc32c, options };
