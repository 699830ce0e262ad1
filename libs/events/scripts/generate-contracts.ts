/**
 * Generates `src/generated/contracts.ts` from `schemas/*.avsc`: the Avro schemas are the single
 * source of truth, the TypeScript types follow them. Run: `npm run generate -w @continuum/events`.
 * A unit test fails when the committed file is out of date.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Schema = string | Schema[] | { type: string; [key: string]: unknown };

interface NamedDefinition {
  name: string;
  code: string;
  /** Structure without docs: the same named type may appear in several topic schemas. */
  shape: string;
}

export const SCHEMAS_DIR = join(__dirname, '..', 'schemas');
export const OUTPUT_FILE = join(__dirname, '..', 'src', 'generated', 'contracts.ts');

const PRIMITIVES: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function stripDocs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDocs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'doc')
        .map(([k, v]) => [k, stripDocs(v)]),
    );
  }
  return value;
}

function docComment(doc: unknown, indent: string): string {
  return typeof doc === 'string' ? `${indent}/** ${doc} */\n` : '';
}

class ContractRenderer {
  readonly definitions = new Map<string, NamedDefinition>();

  typeOf(schema: Schema): string {
    if (typeof schema === 'string') return PRIMITIVES[schema] ?? shortName(schema);
    if (Array.isArray(schema)) return schema.map((s) => this.typeOf(s)).join(' | ');
    switch (schema.type) {
      case 'record':
        return this.record(schema);
      case 'enum':
        return this.enumeration(schema);
      case 'array':
        return `Array<${this.typeOf(schema.items as Schema)}>`;
      case 'map':
        return `Record<string, ${this.typeOf(schema.values as Schema)}>`;
      case 'fixed':
        return 'Buffer';
      default:
        return PRIMITIVES[schema.type] ?? shortName(schema.type);
    }
  }

  private define(name: string, code: string, schema: unknown): void {
    const shape = JSON.stringify(stripDocs(schema));
    const existing = this.definitions.get(name);
    if (existing && existing.shape !== shape) {
      throw new Error(
        `Type ${name} is defined twice with different structures; give one of them another name`,
      );
    }
    if (!existing) this.definitions.set(name, { name, code, shape });
  }

  private record(schema: Record<string, unknown>): string {
    const name = shortName(String(schema.name));
    const fields = (
      schema.fields as Array<{ name: string; type: Schema; doc?: string; default?: unknown }>
    ).map((f) => `${docComment(f.doc, '  ')}  ${f.name}: ${this.typeOf(f.type)};`);
    this.define(
      name,
      `${docComment(schema.doc, '')}export interface ${name} {\n${fields.join('\n')}\n}`,
      schema,
    );
    return name;
  }

  private enumeration(schema: Record<string, unknown>): string {
    const name = shortName(String(schema.name));
    const symbols = schema.symbols as string[];
    const code =
      `${docComment(schema.doc, '')}export type ${name} = ${symbols.map((s) => `'${s}'`).join(' | ')};\n` +
      `export const ${name}Values: readonly ${name}[] = [${symbols.map((s) => `'${s}'`).join(', ')}];`;
    this.define(name, code, schema);
    return name;
  }
}

export function renderContracts(schemasDir = SCHEMAS_DIR): string {
  const files = readdirSync(schemasDir)
    .filter((f) => f.endsWith('.avsc'))
    .sort();
  const renderer = new ContractRenderer();
  const topSchemas: Array<{ file: string; name: string; json: string }> = [];
  for (const file of files) {
    const schema = JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as Schema;
    const name = renderer.typeOf(schema);
    topSchemas.push({ file, name, json: JSON.stringify(schema) });
  }
  const header = [
    '// GENERATED from libs/events/schemas/*.avsc by libs/events/scripts/generate-contracts.ts. Do not edit:',
    '// change the .avsc file and run `npm run generate -w @continuum/events`.',
    "import { defineContract } from '../contract';",
    '',
  ];
  const types = [...renderer.definitions.values()].map((d) => d.code);
  const contracts = topSchemas.map(
    ({ file, name, json }) =>
      `/** Contract of ${name} (schemas/${file}). */\nexport const ${name}Contract = defineContract<${name}>('${file}', ${json});`,
  );
  const all = `export const AllContracts = [${topSchemas.map((s) => `${s.name}Contract`).join(', ')}] as const;`;
  return [...header, ...types, '', ...contracts, '', all, ''].join('\n');
}

if (require.main === module) {
  writeFileSync(OUTPUT_FILE, renderContracts());
  console.log(`wrote ${OUTPUT_FILE}`);
}
