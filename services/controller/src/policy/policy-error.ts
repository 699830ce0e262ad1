/** A policy file that cannot be used; `problems` name each field path with what is wrong. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid retrain policy in ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
    this.name = 'PolicyError';
  }
}
