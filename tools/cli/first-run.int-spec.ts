/**
 * What `npm start` on a fresh installation does: instances that start at the same moment on
 * topics and schema subjects nobody has created yet all come up. Whether their registrations
 * collide depends on timing (this test passed once with the 409 handling removed); the race to
 * configure a subject's compatibility itself is reproduced deterministically, with six clients,
 * in libs/events/test/schema-registry.int-spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceProcess, privateTopics, testKafka, uniqueName } from '../testing/integration';

describe('first run', () => {
  const dirs: string[] = [];
  const started: ServiceProcess[] = [];
  const { names, env } = privateTopics('first-run');

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    const admin = testKafka('first-run-test').admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
    await admin.disconnect();
  });

  it('two instances of a service started together on fresh topics and subjects both become ready', async () => {
    const groupId = uniqueName('evaluator');
    const instance = (n: number) => {
      const dir = mkdtempSync(join(tmpdir(), 'first-run-'));
      dirs.push(dir);
      return ServiceProcess.startService(
        'evaluator',
        {
          ...env,
          EVALUATOR_GROUP_ID: groupId,
          EVALUATOR_INSTANCE_ID: `first-run-${n}`,
          EVALUATOR_STATE_DIR: dir,
        },
        120_000,
      ).then((s) => {
        started.push(s);
        return s;
      });
    };
    const [a, b] = await Promise.all([instance(1), instance(2)]);
    for (const s of [a, b]) expect((await fetch(`${s.baseUrl}/health/ready`)).status).toBe(200);
  });
});
