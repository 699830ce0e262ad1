/**
 * Issue 10's fault suite (`npm run test:faults`, the last step of `npm test`): the monitor and the
 * evaluator through the same faults, on a broker and registry of this run's own (see
 * tools/testing/private-infra.ts; the shared ones are never touched):
 *
 * 1. each service's seeded stream is produced in four parts to a faulted run;
 * 2. the broker is SIGKILLed while both are mid-stream and restarted 10 s later — both say they
 *    are not ready, and why, meanwhile, and are ready again after;
 * 3. the registry is stopped for 40 s while records keep arriving (encoded before, as real
 *    producers keep their schema ids) — not ready, and why, then ready again;
 * 4. the same streams run uninterrupted on topics of their own (the reference, once the faults
 *    are over), and each service's reports after the faults equal the reference's field by field
 *    (producedAt aside): nothing lost, nothing counted twice, no window closed early.
 *
 * One set of faults for both services keeps the suite short (each restart of the broker or the
 * registry costs tens of seconds).
 */
import { type ServiceProcess, testKafka, waitFor } from '@continuum/testing';
import { notReadyBecauseOf, readyAgain } from '@continuum/testing/faults-readiness';
import { type FaultScenario } from '@continuum/testing/faults-scenario';
import { infraUp, killComponent, privateInfra } from '@continuum/testing/private-infra';
import { evaluatorOutageScenario } from '../services/evaluator/test/outage-scenario';
import { monitorOutageScenario } from '../services/monitor/test/fixtures/outage-scenario';

const BROKER_DOWN_MS = 10_000;
const REGISTRY_DOWN_MS = 40_000;

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

describe('monitor and evaluator through a broker crash and a registry outage', () => {
  const infra = privateInfra();
  const kafka = testKafka();
  const scenarios: FaultScenario[] = [monitorOutageScenario(kafka), evaluatorOutageScenario(kafka)];

  afterAll(async () => {
    for (const s of scenarios) await s.stop();
  });

  it('report exactly what uninterrupted runs report, and are not ready while a dependency is away', async () => {
    const services: ServiceProcess[] = await Promise.all(scenarios.map((s) => s.start()));
    const each = (f: (s: FaultScenario, service: ServiceProcess) => Promise<unknown>) =>
      Promise.all(scenarios.map((s, i) => f(s, services[i])));

    await each((s) => s.send(0));
    await each((s) =>
      waitFor(`the ${s.name} part-way through the first part`, async () => (await s.consumed()) > 0),
    );
    await killComponent(infra, 'kafka', 'SIGKILL');
    const brokerDownAt = Date.now();
    // Readiness tells the truth (issue 10 item 6).
    await each(async (_s, service) =>
      expect(await notReadyBecauseOf(service, 'kafka-broker')).toMatch(
        /^Kafka at 127\.0\.0\.1:\d+ unreachable since /,
      ),
    );
    // Silent far longer than the monitor's idle timeout (5 s).
    await sleepUntil(brokerDownAt + BROKER_DOWN_MS);
    infraUp(infra);
    await each((_s, service) => readyAgain(service));
    await each((s) => s.send(1));
    await each((s) =>
      waitFor(`the ${s.name} through the second part`, async () => (await s.consumed()) >= s.recordsIn(2), {
        timeoutMs: 180_000,
      }),
    );

    await killComponent(infra, 'registry', 'SIGTERM');
    const registryDownAt = Date.now();
    await each(async (_s, service) =>
      expect(await notReadyBecauseOf(service, 'schema-registry')).toMatch(
        /^the schema registry at .* unreachable since /,
      ),
    );
    await each((s) => s.send(2));
    await sleepUntil(registryDownAt + REGISTRY_DOWN_MS);
    infraUp(infra);
    await each((_s, service) => readyAgain(service));
    await each((s) => s.send(3));

    // The references run now, on the recovered infrastructure, while the faulted runs finish.
    await each((s) => s.reference());
    await each((s) => s.verify());
  }, 900_000);
});
