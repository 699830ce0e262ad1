import { InvalidArgumentError } from '../errors';

export type Correction = 'none' | 'bonferroni' | 'benjamini-hochberg';

/**
 * Adjusted p-values for a family of tests, so that comparing each with α controls the family-wise
 * error rate (Bonferroni 1936: min(1, m·p)) or the false discovery rate (Benjamini & Hochberg 1995:
 * step-up, min over j >= i of m·p_(j)/j, as `scipy.stats.false_discovery_control(p, method='bh')`).
 * `null` entries (statistics without a p-value) are passed through and do not count in m.
 */
export function adjustPValues(
  pValues: ReadonlyArray<number | null>,
  correction: Correction,
): (number | null)[] {
  const indices: number[] = [];
  pValues.forEach((p, i) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new InvalidArgumentError(`p-value #${i} is ${p}; must be in [0, 1]`);
    indices.push(i);
  });
  const out: (number | null)[] = pValues.map((p) => p);
  const m = indices.length;
  if (m === 0 || correction === 'none') return out;
  if (correction === 'bonferroni') {
    for (const i of indices) out[i] = Math.min(1, (pValues[i] as number) * m);
    return out;
  }
  if (correction !== 'benjamini-hochberg') {
    throw new InvalidArgumentError(`unknown correction '${String(correction)}'`);
  }
  const order = [...indices].sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const i = order[rank - 1];
    running = Math.min(running, (pValues[i] as number) * (m / rank));
    out[i] = running;
  }
  return out;
}
