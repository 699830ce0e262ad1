/**
 * Issue 10 item 7: `POST /models/{id}/retrain` with a body it cannot read (text/plain, XML, no
 * Content-Type, JSON that does not parse) is refused with 415/400 and a message, emits nothing
 * and spends none of the daily budget (1 here: the one valid call after them is accepted).
 */
import { type Kafka } from 'kafkajs';
import { testKafka } from '@continuum/testing';
import { API_TOKEN, type ControllerUnderTest, recordCount, startController } from './controller-harness';

describe('controller manual API: bodies it cannot read', () => {
  let kafka: Kafka;
  let controller: ControllerUnderTest | undefined;

  beforeAll(() => {
    kafka = testKafka();
  });

  afterAll(async () => {
    await controller?.process.stop();
  });

  it('answers 415 or 400 with a message, emits nothing and keeps the budget', async () => {
    controller = await startController(
      kafka,
      'ctl-media',
      `
defaults:
  dailyBudget: 1
models:
  churn:
    request: { mode: WARM_START, window: { kind: FIXED_COUNT, count: 50000 } }
`,
    );
    const url = `${controller.process.baseUrl}/models/churn/retrain`;
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    const post = (headers: Record<string, string>, body?: string | Uint8Array) =>
      fetch(url, { method: 'POST', headers: { ...auth, ...headers }, body });
    const message = async (res: Response) => ((await res.json()) as { message: string }).message;

    const plain = await post({ 'content-type': 'text/plain' }, 'reason=launch');
    expect(plain.status).toBe(415);
    expect(await message(plain)).toBe(
      'Content-Type text/plain is not accepted here: send the body as application/json',
    );
    const xml = await post({ 'content-type': 'application/xml' }, '<retrain reason="launch"/>');
    expect(xml.status).toBe(415);
    expect(await message(xml)).toContain('application/xml');
    // A Uint8Array body goes without a Content-Type.
    const untyped = await post({}, new TextEncoder().encode('{"reason":"launch"}'));
    expect(untyped.status).toBe(415);
    expect(await message(untyped)).toContain('no Content-Type');
    const broken = await post({ 'content-type': 'application/json' }, '{"reason": launch');
    expect(broken.status).toBe(400);
    expect(await message(broken)).toMatch(/JSON/);
    expect(await recordCount(kafka, controller.names.retrainRequests)).toBe(0);

    const accepted = await post({ 'content-type': 'application/json' }, '{"reason":"launch"}');
    expect(accepted.status).toBe(202);
    expect(await recordCount(kafka, controller.names.retrainRequests)).toBe(1);
  });
});
