/**
 * Confluent wire format: magic byte 0, 4-byte big-endian schema id, then the Avro binary body.
 * Plain functions on the hot path; no copies beyond the one Buffer the body is written into.
 */
export const MAGIC_BYTE = 0;
export const HEADER_LENGTH = 5;

/** Writes the header (magic byte, schema id) at `pos`; the body follows at `pos + HEADER_LENGTH`. */
export function writeHeader(out: Buffer, pos: number, schemaId: number): void {
  out[pos] = MAGIC_BYTE;
  out.writeInt32BE(schemaId, pos + 1);
}

export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER_LENGTH + body.length);
  writeHeader(out, 0, schemaId);
  body.copy(out, HEADER_LENGTH);
  return out;
}

/** The schema id of a framed value, or undefined when the bytes are not in the wire format. */
export function schemaIdOf(bytes: Buffer | null | undefined): number | undefined {
  if (!bytes || bytes.length < HEADER_LENGTH || bytes[0] !== MAGIC_BYTE) return undefined;
  return bytes.readInt32BE(1);
}
