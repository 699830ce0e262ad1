import { ConfigurationError, InvalidInputError } from '../errors';
import type { Label } from '../example';

/** What a model predicts. */
export type Task = 'binary' | 'multiclass' | 'regression';

/**
 * Maps domain labels to the network's targets and back: class labels to indices (the
 * binary task's positive class is `classes[1]`), regression values to themselves.
 * Class labels compare as strings, so the class `1` matches the label `'1'` (Avro unions
 * deliver either); a boolean label matches `true`/`false` classes, else 1/0.
 */
export class LabelCodec {
  readonly classes: readonly Label[];
  private readonly index = new Map<string, number>();
  /** Numeric labels straight to their index (the common 0/1 case skips String()). */
  private readonly numericIndex = new Map<number, number>();

  constructor(
    readonly task: Task,
    classes?: readonly Label[],
  ) {
    if (!['binary', 'multiclass', 'regression'].includes(task))
      throw new ConfigurationError('task', `must be binary, multiclass or regression, got ${String(task)}`);
    if (task === 'regression') {
      if (classes && classes.length > 0)
        throw new ConfigurationError('classes', 'a regression model has no classes');
      this.classes = [];
      return;
    }
    const list = classes ?? (task === 'binary' ? [0, 1] : undefined);
    if (!list) throw new ConfigurationError('classes', `a ${task} model needs its list of classes`);
    if (task === 'binary' && list.length !== 2)
      throw new ConfigurationError(
        'classes',
        `a binary model has exactly 2 classes [negative, positive], got ${list.length}`,
      );
    if (task === 'multiclass' && list.length < 2)
      throw new ConfigurationError(
        'classes',
        `a multiclass model needs at least 2 classes, got ${list.length}`,
      );
    list.forEach((c, i) => {
      if (typeof c !== 'string' && !(typeof c === 'number' && Number.isFinite(c)))
        throw new ConfigurationError(`classes[${i}]`, `must be a string or finite number, got ${String(c)}`);
      const key = String(c);
      if (this.index.has(key)) throw new ConfigurationError(`classes[${i}]`, `duplicate class '${key}'`);
      this.index.set(key, i);
      const asNumber = typeof c === 'number' ? c : Number(c);
      if (String(asNumber) === key) this.numericIndex.set(asNumber, i);
    });
    this.classes = [...list];
  }

  /** Number of network outputs. */
  get outputs(): number {
    return this.task === 'multiclass' ? this.classes.length : 1;
  }

  /** Target value for the network: class index (binary: 0/1) or the regression value. */
  encode(label: unknown, where: string): number {
    if (this.task === 'regression') {
      if (typeof label !== 'number' || !Number.isFinite(label))
        throw new InvalidInputError(where, `expected a finite number, got ${describe(label)}`);
      return label;
    }
    if (typeof label === 'number') {
      const i = this.numericIndex.get(label);
      if (i !== undefined) return i;
    }
    let key: string;
    if (typeof label === 'boolean') {
      key = this.index.has(String(label)) ? String(label) : label ? '1' : '0';
    } else if (typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label))) {
      key = String(label);
    } else {
      throw new InvalidInputError(where, `expected a class label, got ${describe(label)}`);
    }
    const i = this.index.get(key);
    if (i === undefined)
      throw new InvalidInputError(
        where,
        `unknown class '${key}' (classes: ${this.classes.map(String).join(', ')})`,
      );
    return i;
  }

  decode(index: number): Label {
    return this.classes[index];
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
