/**
 * Keeps the README's reference tables generated from the code they describe: the shared
 * Kafka/registry settings (libs/kafka's config spec), the operator CLI's settings (tools/cli) and
 * the topic catalog (libs/events).
 * `npm run docs` rewrites the marked blocks; a unit test fails when the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeConfig } from '@continuum/config';
import { Topics } from '@continuum/events';
import { kafkaConfigSpec } from '@continuum/kafka';
import { cliConfigSpec } from '../cli/cli-config';

export const README = join(__dirname, '..', '..', 'README.md');

function retention(ms: number): string {
  if (ms < 0) return 'forever';
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} d` : `${ms} ms`;
}

/** Markdown table cells cannot contain a bare pipe. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function topicTable(): string {
  const rows = Object.values(Topics).map(
    (t) =>
      `| \`${t.defaultName}\` | \`${t.env}\` | ${t.contract.name} | ${cell(t.key)} | ${t.partitions} | ${retention(t.retentionMs)}${t.cleanupPolicy === 'compact' ? ', compacted' : ''} | ${cell(t.description)} |`,
  );
  return [
    '| topic | name variable | contract | key | partitions | retention | what it carries |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export const BLOCKS: Record<string, () => string> = {
  'kafka-config': () => describeConfig(kafkaConfigSpec),
  'cli-config': () => describeConfig(cliConfigSpec),
  topics: topicTable,
};

/** Replaces every `<!-- generated:NAME -->...<!-- /generated:NAME -->` block with its table. */
export function renderReadme(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(BLOCKS)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`README has no generated:${name} block`);
    out = out.replace(pattern, (_all, open: string, close: string) => `${open}\n${render()}\n${close}`);
  }
  return out;
}

if (require.main === module) {
  writeFileSync(README, renderReadme(readFileSync(README, 'utf8')));
  console.log(`updated ${README}`);
}
