/**
 * `continuum promote|reject <model> <version>` and `continuum rollback <model> [--to <version>]`:
 * the promoter's manual decisions (POST /models/{id}/versions/{v}/promote|reject,
 * POST /models/{id}/rollback). The promoter writes the stage change to the registry and the
 * decision, with its evidence, to ct.promotions.
 */
import { userInfo } from 'node:os';
import { type PromotionDecision } from '@continuum/events';
import { type CommandIo, UsageError, parseCommandLine, stringOption } from './command';
import { loadCliConfig, tokenFor } from './cli-config';
import { callService, serviceUrl } from './service-call';

export type DecisionAction = 'promote' | 'reject' | 'rollback';

const WHAT: Record<DecisionAction, string> = {
  promote: 'makes <version> the champion now (the current champion is archived), ending its test',
  reject: 'rejects <version> (final), ending its test',
  rollback: 'makes the previous champion (or --to <version>, an archived one) champion again',
};

export function decisionUsage(action: DecisionAction): string {
  const args = action === 'rollback' ? '<model> [--to <version>]' : '<model> <version>';
  return `usage: continuum ${action} ${args} --reason <text> [--actor <name>]

${action[0].toUpperCase()}${action.slice(1)} through the promoter: ${WHAT[action]}.

  --reason <text>   why (required; kept in the audit trail and on ct.promotions)
  --actor <name>    who decides (default: cli:<user>)${action === 'rollback' ? '\n  --to <version>    the archived version to make champion again (default: the previous champion)' : ''}

Needs PROMOTER_API_TOKEN (else .cache/run/promoter.token of tools/continuum up); PROMOTER_URL
(default http://127.0.0.1:9469). Exit codes: 0 done, 1 refused (404 unknown, 409 conflict,
422 not allowed) or failed, 2 usage.`;
}

export function decisionCommand(action: DecisionAction) {
  return async (args: string[], env: NodeJS.ProcessEnv, io: CommandIo): Promise<number> => {
    const line = parseCommandLine(
      action,
      args,
      {
        reason: { type: 'string' },
        actor: { type: 'string' },
        ...(action === 'rollback' ? { to: { type: 'string' } } : {}),
      },
      { names: action === 'rollback' ? ['model'] : ['model', 'version'] },
    );
    if (line.help) {
      io.out(decisionUsage(action));
      return 0;
    }
    const reason = stringOption(line, 'reason');
    if (!reason?.trim()) throw new UsageError(`${action}: --reason <text> is required`);
    const config = loadCliConfig(env);
    const token = tokenFor('promoter', config, env);
    const [modelId, version] = line.positionals;
    const body: Record<string, string> = {
      reason,
      actor: stringOption(line, 'actor') ?? `cli:${userName()}`,
    };
    const to = stringOption(line, 'to');
    if (to) body.version = to;
    const url =
      action === 'rollback'
        ? serviceUrl(config.promoterUrl, 'models', modelId, 'rollback')
        : serviceUrl(config.promoterUrl, 'models', modelId, 'versions', version, action);
    const { body: answer } = await callService(io, 'promoter', { url, token, body });
    io.out(describeDecision(answer as unknown as PromotionDecision));
    return 0;
  };
}

export function describeDecision(d: PromotionDecision): string {
  const champion =
    d.decision === 'ROLLBACK'
      ? `champion is ${d.previousChampionVersion ?? '-'} again (${d.championVersion ?? '-'} rolled back)`
      : d.decision === 'PROMOTE'
        ? `champion is ${d.challengerVersion}${d.previousChampionVersion ? ` (${d.previousChampionVersion} archived)` : ''}`
        : `${d.challengerVersion} rejected`;
  return `${d.decision} ${d.modelId}: ${champion}; decision ${d.decisionId} by ${d.actor}: ${d.reason}`;
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
