import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default gauges that end in `_total`, which Prometheus reserves for counters
 * (`promtool check metrics` rejects them). Their per-type siblings (`nodejs_active_handles{type}`,
 * `nodejs_active_requests{type}`, `nodejs_active_resources{type}`) stay; sum them for the totals.
 */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The service's Prometheus registry: process/runtime default metrics plus the service's own.
 * Metric names use the `continuum_` prefix and base units (`_seconds`, `_bytes`). Series carry no
 * `service` label: the scrape target's labels name the service (a label set in the application
 * would clash with them and turn into `exported_service`).
 */
export class Metrics {
  readonly registry = new Registry();

  constructor(readonly service: string) {
    collectDefaultMetrics({ register: this.registry });
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
  }

  /**
   * Returns the existing metric of that name, so several providers can share one series family.
   * `known` label sets start at 0, so that a rate or an increase over them is defined before the
   * first event (and an alert on them can fire on the first one).
   */
  counter<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    known: ReadonlyArray<Partial<Record<L, string>>> = [],
  ): Counter<L> {
    const counter =
      (this.registry.getSingleMetric(name) as Counter<L> | undefined) ??
      new Counter({ name, help, labelNames, registers: [this.registry] });
    for (const labels of known) counter.inc(labels, 0);
    return counter;
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    return (
      (this.registry.getSingleMetric(name) as Gauge<L> | undefined) ??
      new Gauge({ name, help, labelNames, registers: [this.registry] })
    );
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ): Histogram<L> {
    return (
      (this.registry.getSingleMetric(name) as Histogram<L> | undefined) ??
      new Histogram({ name, help, labelNames, buckets, registers: [this.registry] })
    );
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Every combination of the given label values, for a counter's `known` label sets. */
export function labelProduct<L extends string>(
  values: Readonly<Record<L, readonly string[]>>,
): Array<Record<L, string>> {
  let sets: Array<Record<string, string>> = [{}];
  for (const [name, options] of Object.entries(values) as Array<[string, readonly string[]]>)
    sets = sets.flatMap((set) => options.map((value) => ({ ...set, [name]: value })));
  return sets as Array<Record<L, string>>;
}
