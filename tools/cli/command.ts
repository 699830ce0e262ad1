/** Where a command writes: stdout for results, stderr for problems. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** The command line itself is wrong: the usage is printed and the exit code is 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
