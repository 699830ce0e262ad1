/**
 * A request the registry answers with an error status: 400 (bad input, `field` names it), 404
 * (unknown model or version), 409 (stale expected revision, lost race, model exists), 413 (event too
 * large), 421 (another instance writes the model), 422 (illegal stage transition), 503 (the event
 * did not come back from Kafka in time).
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly problems?: string[],
  ) {
    super(message);
  }
}

export const badRequest = (field: string, message: string, problems?: string[]) =>
  new CommandError(400, 'VALIDATION', message, field, problems);
export const notFound = (message: string) => new CommandError(404, 'NOT_FOUND', message);
