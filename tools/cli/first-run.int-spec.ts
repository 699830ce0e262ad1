/**
 * What `npm start` on a fresh installation does: instances that start at the same moment on
 * topics and schema subjects nobody has created yet all come up. (Before, the losers of the race
 * to configure a subject's compatibility died on the registry's 409.)
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
