/**
 * Reading samples: the CSV parser gives the same records whatever the chunking (every split point
 * of a tricky text), handles quotes, escaped quotes, line breaks inside quotes, CRLF and a BOM, and
 * refuses malformed input naming the line; JSON Lines rows and their errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvParser, InputError, type Row, formatFromName, readRows } from './profile-io';

function parseAll(chunks: string[]): string[][] {
  const parser = new CsvParser();
  const out: string[][] = [];
  for (const chunk of chunks) out.push(...parser.push(chunk));
  out.push(...parser.end());
  return out;
}

const TRICKY =
  '\uFEFFcity,note,price\r\n"Saint-Étienne","a ""quoted"", word",12.5\r\nparis,"two\nlines",\n\nlyon,,7\n';
const EXPECTED = [
  ['city', 'note', 'price'],
  ['Saint-Étienne', 'a "quoted", word', '12.5'],
  ['paris', 'two\nlines', ''],
  ['lyon', '', '7'],
];

describe('CsvParser', () => {
  it('parses quotes, escaped quotes, embedded line breaks, CRLF, blank lines and a BOM', () => {
    expect(parseAll([TRICKY])).toEqual(EXPECTED);
  });

  it('gives the same records for every split of the text into two chunks', () => {
    for (let cut = 0; cut <= TRICKY.length; cut++) {
      expect(parseAll([TRICKY.slice(0, cut), TRICKY.slice(cut)])).toEqual(EXPECTED);
    }
  });

  it('keeps a last record without a line end, and an empty quoted field', () => {
    expect(parseAll(['a,b\n1,""'])).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it.each([
    ['a quote inside an unquoted field', 'a,b\n1,x"y\n', /line 2: a quote inside an unquoted field/],
    ['text after a closing quote', 'a,b\n1,"x"y\n', /line 2: text after a closing quote/],
    ['an unterminated quoted field', 'a,b\n1,"x\n', /ends inside a quoted field/],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseAll([text])).toThrow(message);
  });
});

describe('readRows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-io-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const collect = async (path: string, format: 'csv' | 'jsonl') => {
    const rows: Row[] = [];
    for await (const row of readRows(path, format)) rows.push(row);
    return rows;
  };

  it('reads CSV rows keyed by the header, values as strings', async () => {
    expect(await collect(file('a.csv', TRICKY), 'csv')).toEqual([
      { city: 'Saint-Étienne', note: 'a "quoted", word', price: '12.5' },
      { city: 'paris', note: 'two\nlines', price: '' },
      { city: 'lyon', note: '', price: '7' },
    ]);
  });

  it('refuses a CSV record with the wrong number of fields, a repeated column, an empty file', async () => {
    await expect(collect(file('b.csv', 'a,b\n1,2\n3\n'), 'csv')).rejects.toThrow(
      'CSV record 2 has 1 fields, the header 2',
    );
    await expect(collect(file('c.csv', 'a,a\n1,2\n'), 'csv')).rejects.toThrow("names column 'a' twice");
    await expect(collect(file('d.csv', ''), 'csv')).rejects.toThrow(InputError);
  });

  it('reads JSON Lines, skipping blank lines, and names the bad line', async () => {
    const path = file('a.jsonl', '{"x": 1, "c": "a"}\n\n{"x": null}\r\n{"x": 2.5}');
    expect(await collect(path, 'jsonl')).toEqual([{ x: 1, c: 'a' }, { x: null }, { x: 2.5 }]);
    await expect(collect(file('b.jsonl', '{"x": 1}\n[1]\n'), 'jsonl')).rejects.toThrow(
      'line 2 is not a JSON object',
    );
    await expect(collect(file('c.jsonl', '{"x": 1}\n{"x": \n'), 'jsonl')).rejects.toThrow(
      'line 2 is not JSON',
    );
  });

  it('tells the format from the file name', () => {
    expect(['s.csv', 's.JSONL', 's.ndjson', 's.parquet', 's.txt'].map(formatFromName)).toEqual([
      'csv',
      'jsonl',
      'jsonl',
      'parquet',
      undefined,
    ]);
  });
});
