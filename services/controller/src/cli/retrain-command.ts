import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { TrainingModeValues } from '@continuum/events';
import { parseDuration } from '@continuum/config';

export const USAGE = `Usage: npm run retrain -w @continuum/controller-service -- <modelId> [options]

Asks the controller for a MANUAL retrain request of <modelId> (POST /models/<modelId>/retrain).
The request bypasses the model's cooldown but counts toward its daily budget.

Options:
  --mode <mode>             ONLINE, WARM_START or FULL (default: the policy's)
  --window <spec>           which data to train on (default: the policy's):
                              count:<N>               the last N examples (FIXED_COUNT)
                              duration:<T>            the last T of event time, e.g. 30d (FIXED_DURATION)
                              dynamic:<N1,N2,...>/<H> try these window sizes, H newest as holdout (DYNAMIC)
                              representative[:<N>]    a sample like production data (REPRESENTATIVE)
                            or a JSON WindowStrategy, e.g. '{"kind":"FIXED_COUNT","count":5000}'
  --reason <text>           why, kept as the request's evidence
  --idempotency-key <key>   a retry with the same key returns the first request, never a second
  --url <url>               controller base URL (default: $CONTROLLER_URL or http://127.0.0.1:9466)
  --token-file <path>       file holding the bearer token (default: $CONTROLLER_API_TOKEN)
  -h, --help                show this help

Exit status: 0 accepted (or already accepted under this idempotency key), 1 refused or failed,
2 wrong usage.
`;

/** A command-line mistake: printed with the usage hint, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError(`${what} must be a positive integer (got '${text}')`);
  return Number(text);
}

/** Turns a --window spec into the API's WindowStrategy body. */
export function parseWindowSpec(spec: string): Record<string, unknown> {
  const trimmed = spec.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`--window JSON cannot be parsed: ${(error as Error).message}`);
    }
  }
  const [kind, ...rest] = trimmed.split(':');
  const arg = rest.join(':');
  switch (kind.toLowerCase()) {
    case 'count':
      return { kind: 'FIXED_COUNT', count: positiveInt(arg, '--window count') };
    case 'duration': {
      const ms = parseDuration(/^\d+$/.test(arg) ? Number(arg) : arg);
      if (ms === undefined || ms < 1)
        throw new UsageError(`--window duration must be like 30d, 12h or 90m (got '${arg}')`);
      return { kind: 'FIXED_DURATION', durationMs: ms };
    }
    case 'dynamic': {
      const match = /^([\d,]+)\/(\d+)$/.exec(arg);
      if (!match)
        throw new UsageError(`--window dynamic must be like dynamic:10000,50000/2000 (got '${arg}')`);
      const counts = match[1]
        .split(',')
        .filter(Boolean)
        .map((c) => positiveInt(c, '--window dynamic size'));
      return {
        kind: 'DYNAMIC',
        candidateCounts: counts,
        holdoutCount: positiveInt(match[2], '--window holdout'),
      };
    }
    case 'representative':
      return arg === ''
        ? { kind: 'REPRESENTATIVE' }
        : { kind: 'REPRESENTATIVE', count: positiveInt(arg, '--window representative size') };
    default:
      throw new UsageError(
        `--window must start with count:, duration:, dynamic:, representative or '{' (got '${spec}')`,
      );
  }
}

export interface RetrainCall {
  url: string;
  token: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Reads the command line into the HTTP call it stands for; throws UsageError. Returns 'help' for --help. */
export function parseRetrainArgs(argv: string[], env: NodeJS.ProcessEnv): RetrainCall | 'help' {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        mode: { type: 'string' },
        window: { type: 'string' },
        reason: { type: 'string' },
        'idempotency-key': { type: 'string' },
        url: { type: 'string' },
        'token-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return 'help';
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length === 0
        ? 'the model id is missing'
        : `one model id expected, got ${parsed.positionals.join(' ')}`,
    );
  }
  const [modelId] = parsed.positionals;
  const body: Record<string, unknown> = {};
  if (typeof values.mode === 'string') {
    const mode = values.mode.toUpperCase();
    if (!(TrainingModeValues as readonly string[]).includes(mode)) {
      throw new UsageError(`--mode must be one of ${TrainingModeValues.join(', ')} (got '${values.mode}')`);
    }
    body.mode = mode;
  }
  if (typeof values.window === 'string') body.window = parseWindowSpec(values.window);
  if (typeof values.reason === 'string') body.reason = values.reason;

  let token: string | undefined;
  if (typeof values['token-file'] === 'string') {
    try {
      token = readFileSync(values['token-file'], 'utf8').trim();
    } catch (error) {
      throw new UsageError(`--token-file cannot be read: ${(error as Error).message}`);
    }
  } else token = env.CONTROLLER_API_TOKEN;
  if (!token) throw new UsageError('no token: set CONTROLLER_API_TOKEN or pass --token-file <path>');

  const base = (typeof values.url === 'string' ? values.url : env.CONTROLLER_URL) ?? 'http://127.0.0.1:9466';
  let url: URL;
  try {
    url = new URL(`models/${encodeURIComponent(modelId)}/retrain`, base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new UsageError(`--url is not a URL: '${base}'`);
  }
  const headers: Record<string, string> = { 'X-Requested-By': `cli:${safeUser()}` };
  if (typeof values['idempotency-key'] === 'string') headers['Idempotency-Key'] = values['idempotency-key'];
  return { url: url.toString(), token, body, headers };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface CliIo {
  fetch: typeof fetch;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Runs the command; returns the exit status. */
export async function runRetrainCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let call: RetrainCall | 'help';
  try {
    call = parseRetrainArgs(argv, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`retrain: ${error.message}\nRun with --help for usage.`);
    return 2;
  }
  if (call === 'help') {
    io.out(USAGE);
    return 0;
  }
  let response: Response;
  try {
    response = await io.fetch(call.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${call.token}`, ...call.headers },
      body: JSON.stringify(call.body),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    io.err(`retrain: cannot reach the controller at ${call.url}: ${cause ?? (error as Error).message}`);
    return 1;
  }
  const text = await response.text();
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(text) as Record<string, unknown>;
  } catch {
    payload = { message: text };
  }
  if (response.status === 202 || response.status === 200) {
    const what = payload.duplicate ? 'was already accepted' : 'accepted';
    io.out(
      `MANUAL retrain request ${String(payload.requestId)} for '${String(payload.modelId)}' ${what}` +
        (payload.mode ? ` (mode ${String(payload.mode)}, window ${JSON.stringify(payload.window)})` : ''),
    );
    return 0;
  }
  const message = Array.isArray(payload.message)
    ? payload.message.join('; ')
    : String(payload.message ?? text);
  io.err(`retrain: the controller answered ${response.status}: ${message}`);
  return 1;
}
