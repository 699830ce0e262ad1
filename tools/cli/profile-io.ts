/**
 * Reference samples from files, row by row, for `continuum profile build`: CSV (RFC 4180: a header
 * row, quoted fields with "" escapes and line breaks), JSON Lines (one object per line), and
 * Parquet (hyparquet, pure JS, read one row group at a time). Rows are plain objects of column
 * name to value; CSV values are strings (typing them is the caller's business, see profile-rows.ts).
 * Memory is bounded by one chunk (CSV, JSONL) or one row group (Parquet), not by the file.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';

export type InputFormat = 'csv' | 'jsonl' | 'parquet';
export const INPUT_FORMATS: readonly InputFormat[] = ['csv', 'jsonl', 'parquet'];

export type Row = Record<string, unknown>;

/** How far reading has got: bytes of a text file, rows of a Parquet file. */
export interface ReadProgress {
  done: number;
  total: number;
  unit: 'bytes' | 'rows';
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The format a file name implies (.csv, .jsonl/.ndjson/.json, .parquet/.pq), else undefined. */
export function formatFromName(path: string): InputFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  return undefined;
}

export function readRows(
  path: string,
  format: InputFormat,
  onProgress: (progress: ReadProgress) => void = () => undefined,
): AsyncIterable<Row> {
  if (format === 'parquet') return parquetRows(path, onProgress);
  return format === 'csv' ? csvRows(path, onProgress) : jsonlRows(path, onProgress);
}

async function* textChunks(path: string, onProgress: (p: ReadProgress) => void): AsyncGenerator<string> {
  const total = statSync(path).size;
  let done = 0;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) {
    done += Buffer.byteLength(chunk);
    yield chunk;
    onProgress({ done, total, unit: 'bytes' });
  }
}

/**
 * Incremental RFC 4180 parser: feed text in chunks of any size, get back the records completed so
 * far. Accepts LF and CRLF line ends, strips a UTF-8 BOM, and refuses a quote inside an unquoted field.
 */
export class CsvParser {
  private field = '';
  private record: string[] = [];
  private inQuotes = false;
  /** A quote seen inside a quoted field: either an escaped quote ("") or the field's end. */
  private quotePending = false;
  private fieldWasQuoted = false;
  private started = false;
  private line = 1;

  push(text: string): string[][] {
    const out: string[][] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < text.length; i++) {
      const c = text[i];
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false; // the quote closed the field; c is handled below
        } else if (c === '"') {
          this.quotePending = true;
          continue;
        } else {
          if (c === '\n') this.line++;
          this.field += c;
          continue;
        }
      }
      if (c === ',') this.endField();
      else if (c === '\n') {
        this.line++;
        this.endRecord(out);
      } else if (c === '\r') {
        // part of CRLF (or a stray CR): never data outside quotes
      } else if (c === '"') {
        if (this.field !== '' || this.fieldWasQuoted)
          throw new InputError(
            `CSV line ${this.line}: a quote inside an unquoted field (quote the whole field)`,
          );
        this.inQuotes = true;
        this.fieldWasQuoted = true;
      } else {
        if (this.fieldWasQuoted)
          throw new InputError(
            `CSV line ${this.line}: text after a closing quote (expected a comma or a line end)`,
          );
        this.field += c;
      }
    }
    return out;
  }

  /** The last record when the text does not end with a line break. */
  end(): string[][] {
    if (this.inQuotes && !this.quotePending) throw new InputError('CSV: the file ends inside a quoted field');
    this.inQuotes = false;
    this.quotePending = false;
    const out: string[][] = [];
    if (this.field !== '' || this.record.length > 0 || this.fieldWasQuoted) this.endRecord(out);
    return out;
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.fieldWasQuoted = false;
  }

  private endRecord(out: string[][]): void {
    this.endField();
    const record = this.record;
    this.record = [];
    // A blank line is no record (a trailing newline, an empty line between rows).
    if (record.length === 1 && record[0] === '') return;
    out.push(record);
  }
}

async function* csvRows(path: string, onProgress: (p: ReadProgress) => void): AsyncGenerator<Row> {
  const parser = new CsvParser();
  let header: string[] | undefined;
  let recordNo = 0;
  function* rows(records: string[][]): Generator<Row> {
    for (const record of records) {
      if (!header) {
        header = record.map((name) => name.trim());
        const dup = header.find((name, i) => header!.indexOf(name) !== i);
        if (dup !== undefined) throw new InputError(`CSV header names column '${dup}' twice`);
        if (header.some((name) => name === '')) throw new InputError('CSV header has an empty column name');
        continue;
      }
      recordNo++;
      if (record.length !== header.length) {
        throw new InputError(
          `CSV record ${recordNo} has ${record.length} fields, the header ${header.length} (${path})`,
        );
      }
      const row: Row = {};
      for (let i = 0; i < header.length; i++) row[header[i]] = record[i];
      yield row;
    }
  }
  for await (const chunk of textChunks(path, onProgress)) yield* rows(parser.push(chunk));
  yield* rows(parser.end());
  if (!header) throw new InputError(`${path} is empty: a CSV sample starts with a header row`);
}

async function* jsonlRows(path: string, onProgress: (p: ReadProgress) => void): AsyncGenerator<Row> {
  let rest = '';
  let lineNo = 0;
  const parse = (line: string): Row | undefined => {
    lineNo++;
    if (line.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${path} line ${lineNo} is not JSON: ${(error as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new InputError(`${path} line ${lineNo} is not a JSON object`);
    return value as Row;
  };
  for await (const chunk of textChunks(path, onProgress)) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const row = parse(line);
      if (row) yield row;
    }
  }
  const last = parse(rest);
  if (last) yield last;
}

async function* parquetRows(path: string, onProgress: (p: ReadProgress) => void): AsyncGenerator<Row> {
  // hyparquet is an ES module that Node 20.19+ loads with require(); loaded here, when a Parquet
  // file is read, so that the CSV and JSONL paths do not depend on it. Its Node entry point adds
  // asyncBufferFromFile, which the package's default type declarations leave out.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hyparquet = require('hyparquet') as typeof import('hyparquet') & {
    asyncBufferFromFile(path: string): Promise<import('hyparquet').AsyncBuffer>;
  };
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = hyparquet;
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new InputError(`${path} is not a Parquet file: ${(error as Error).message}`);
  }
  const total = Number(metadata.num_rows);
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (const row of rows) yield parquetRow(row);
    rowStart = rowEnd;
    onProgress({ done: rowStart, total, unit: 'rows' });
  }
}

/** Parquet's INT64 arrives as bigint and timestamps as Date: numbers for the profile. */
function parquetRow(row: Record<string, unknown>): Row {
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (typeof v === 'bigint') row[key] = Number(v);
    else if (v instanceof Date) row[key] = v.getTime();
  }
  return row;
}
