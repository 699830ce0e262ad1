import { Type, type Schema } from 'avsc';

/**
 * An event contract: the Avro schema of one kind of event and the TypeScript type generated from
 * it. The avsc Type is built once and shared by every encoder and decoder of the contract.
 */
export interface Contract<T> {
  /** Record name, e.g. `Prediction`. */
  readonly name: string;
  /** The .avsc file it comes from. */
  readonly file: string;
  /** The schema as registered (canonical JSON string). */
  readonly schemaText: string;
  readonly type: Type;
  /** Phantom field carrying T; never set at runtime. */
  readonly _value?: T;
}

export function defineContract<T>(file: string, schema: object): Contract<T> {
  const type = Type.forSchema(schema as Schema);
  const name = type.name ?? file;
  return { name: name.slice(name.lastIndexOf('.') + 1), file, schemaText: JSON.stringify(schema), type };
}

export type ValueOf<C> = C extends Contract<infer T> ? T : never;
