/**
 * `continuum retrain <model>`: a MANUAL retrain request through the controller's API
 * (POST /models/{id}/retrain). The controller emits it on ct.retrain-requests; the trainer (or,
 * for an EXTERNAL model, the team's own trainer) consumes it.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { TrainingModeValues } from '@continuum/events';
import { parseDuration } from '@continuum/config';
import { type CommandIo, UsageError, parseCommandLine, stringOption } from './command';
import { loadCliConfig, tokenFor } from './cli-config';
import { callService, serviceUrl } from './service-call';

export const RETRAIN_USAGE = `usage: continuum retrain <model> [options]

Asks the controller for a MANUAL retrain request of <model> (POST /models/<model>/retrain).
The request bypasses the model's cooldown but counts toward its daily budget.

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
  --token-file <path>       file holding the bearer token (default: $CONTROLLER_API_TOKEN, else
                            .cache/run/controller.token of tools/continuum up)

Exit codes: 0 accepted (or already accepted under this idempotency key), 1 refused (404 model not
in the policy, 429 daily budget spent...) or failed, 2 usage.`;

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
  const line = parseCommandLine(
    'retrain',
    argv,
    {
      mode: { type: 'string' },
      window: { type: 'string' },
      reason: { type: 'string' },
      'idempotency-key': { type: 'string' },
      url: { type: 'string' },
      'token-file': { type: 'string' },
    },
    { names: ['model'] },
  );
  if (line.help) return 'help';
  const [modelId] = line.positionals;
  const body: Record<string, unknown> = {};
  const mode = stringOption(line, 'mode')?.toUpperCase();
  if (mode !== undefined) {
    if (!(TrainingModeValues as readonly string[]).includes(mode)) {
      throw new UsageError(
        `--mode must be one of ${TrainingModeValues.join(', ')} (got '${stringOption(line, 'mode')}')`,
      );
    }
    body.mode = mode;
  }
  const window = stringOption(line, 'window');
  if (window !== undefined) body.window = parseWindowSpec(window);
  const reason = stringOption(line, 'reason');
  if (reason !== undefined) body.reason = reason;

  const urlOption = stringOption(line, 'url');
  if (urlOption !== undefined && !/^https?:\/\/\S+$/.test(urlOption))
    throw new UsageError(`--url is not an http(s) URL: '${urlOption}'`);
  const config = loadCliConfig(urlOption ? { ...env, CONTROLLER_URL: urlOption } : env);
  let token: string;
  const tokenFile = stringOption(line, 'token-file');
  if (tokenFile !== undefined) {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`--token-file cannot be read: ${(error as Error).message}`);
    }
  } else token = tokenFor('controller', config, env);

  const headers: Record<string, string> = { 'X-Requested-By': `cli:${safeUser()}` };
  const key = stringOption(line, 'idempotency-key');
  if (key !== undefined) headers['Idempotency-Key'] = key;
  return { url: serviceUrl(config.controllerUrl, 'models', modelId, 'retrain'), token, body, headers };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function runRetrainCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CommandIo,
): Promise<number> {
  const call = parseRetrainArgs(argv, env);
  if (call === 'help') {
    io.out(RETRAIN_USAGE);
    return 0;
  }
  const { body: payload } = await callService(io, 'controller', call);
  const what = payload.duplicate ? 'was already accepted' : 'accepted';
  io.out(
    `MANUAL retrain request ${String(payload.requestId)} for '${String(payload.modelId)}' ${what}` +
      (payload.mode ? ` (mode ${String(payload.mode)}, window ${JSON.stringify(payload.window)})` : ''),
  );
  return 0;
}
