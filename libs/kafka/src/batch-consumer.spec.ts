import { LabelContract } from '@continuum/events';
import { recordingBatchConsumer as setup } from '../test/recording-kafka';
import { type ConsumedRecord, type BatchContext } from './batch-consumer';

describe('BatchConsumer', () => {
  it('commits a batch through the batch payload after its handler and dead letters', async () => {
    const { log, deliver, batchConsumer } = setup();
    batchConsumer.subscribe({
      topic: 'labels',
      contract: LabelContract,
      handler: async (records) => void log.push(`handler ${records.map((r) => r.offset).join(',')}`),
    });
    await batchConsumer.start();
    await deliver([
      { offset: '5', value: 'ok:a' },
      { offset: '6', value: 'bad' },
    ]);
    expect(log.slice(2)).toEqual(['handler 5', 'deadLetters 6', 'commitBatch 2@7']);
  });

  it('with manualCommit: dead-letters first, never commits, gives the handler the last offset even for an all-invalid batch', async () => {
    const { log, deliver, batchConsumer } = setup();
    const contexts: BatchContext[] = [];
    batchConsumer.subscribe({
      topic: 'labels',
      contract: LabelContract,
      manualCommit: true,
      handler: async (records: Array<ConsumedRecord<unknown>>, context) => {
        contexts.push(context);
        log.push(`handler [${records.map((r) => r.offset).join(',')}]`);
      },
    });
    await batchConsumer.start();
    await deliver([
      { offset: '5', value: 'ok:a' },
      { offset: '6', value: 'bad' },
    ]);
    await deliver([{ offset: '7', value: 'bad' }]);
    expect(log.slice(2)).toEqual(['deadLetters 6', 'handler [5]', 'deadLetters 7', 'handler []']);
    expect(contexts.map((c) => [c.lastOffset, c.highWatermark])).toEqual([
      ['6', '100'],
      ['7', '100'],
    ]);
  });

  it('runs stop hooks before the consumer stops, while commits still reach the group', async () => {
    const { log, batchConsumer } = setup();
    batchConsumer.subscribe({ topic: 'labels', contract: LabelContract, handler: async () => undefined });
    batchConsumer.beforeStop(async () => {
      log.push('hook 1');
      await batchConsumer.commit('labels', 2, '42');
    });
    batchConsumer.beforeStop(async () => {
      log.push('hook 2');
      throw new Error('a failing hook does not prevent stopping');
    });
    await batchConsumer.start();
    await batchConsumer.stop();
    expect(log.slice(2)).toEqual(['hook 1', 'commitOffsets 2@42', 'hook 2', 'consumer.stop', 'disconnect']);
  });
});

describe('BatchConsumer commits off the batch path', () => {
  /** A commit gate the test opens: commits wait for it, batches do not. */
  function gate() {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { wait: () => opened, open: () => open() };
  }

  it('hands over the next batch while the previous commit is in flight, commits in order, newest offset last', async () => {
    const g = gate();
    const { log, deliver, batchConsumer } = setup(g.wait);
    batchConsumer.subscribe({
      topic: 'labels',
      contract: LabelContract,
      handler: async (records) => void log.push(`handler ${records.map((r) => r.offset).join(',')}`),
    });
    await batchConsumer.start();
    await deliver([{ offset: '5', value: 'ok:a' }]);
    await deliver([{ offset: '6', value: 'ok:b' }]);
    await deliver([{ offset: '7', value: 'ok:c' }]);
    // The first commit is held at the broker; the next batches were handled meanwhile.
    expect(log.slice(2)).toEqual(['handler 5', 'handler 6', 'handler 7']);
    g.open();
    await batchConsumer.stop();
    // One request in flight at a time; the next carries the newest offset queued meanwhile.
    expect(log.slice(5)).toEqual(['commitBatch 2@6', 'commitBatch 2@8', 'consumer.stop', 'disconnect']);
  });

  it('a failed commit of the last batch is sent again without any later batch', async () => {
    let failures = 2;
    let committed: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (committed = resolve));
    const { log, deliver, batchConsumer } = setup(async () => {
      if (failures-- > 0) throw new Error('coordinator not available (broker restarting)');
      setImmediate(committed);
    });
    batchConsumer.subscribe({ topic: 'labels', contract: LabelContract, handler: async () => undefined });
    await batchConsumer.start();
    await deliver([{ offset: '5', value: 'ok:a' }]);
    await done;
    expect(log.slice(2)).toEqual(['commitBatch 2@6']);
    await batchConsumer.stop();
  });

  it('while stopping, a batch returns only once its commit is answered', async () => {
    const g = gate();
    const { log, deliver, batchConsumer } = setup(g.wait);
    let delivered = false;
    batchConsumer.subscribe({ topic: 'labels', contract: LabelContract, handler: async () => undefined });
    batchConsumer.beforeStop(async () => {
      const last = deliver([{ offset: '9', value: 'ok:z' }]).then(() => (delivered = true));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(delivered).toBe(false);
      g.open();
      await last;
    });
    await batchConsumer.start();
    await batchConsumer.stop();
    expect(log.slice(2)).toEqual(['commitBatch 2@10', 'consumer.stop', 'disconnect']);
  });

  it('a failed commit is reported to the handler that waits for it', async () => {
    let fail = true;
    const { deliver, batchConsumer } = setup(async () => {
      if (fail) throw new Error('coordinator moved');
    });
    const outcomes: string[] = [];
    batchConsumer.subscribe({
      topic: 'labels',
      contract: LabelContract,
      handler: async (_records, context) => {
        context.deferCommit();
        await context.commitOffsets(String(Number(context.lastOffset) + 1)).then(
          () => outcomes.push('committed'),
          (error: Error) => outcomes.push(error.message),
        );
      },
    });
    await batchConsumer.start();
    await deliver([{ offset: '5', value: 'ok:a' }]);
    fail = false;
    await deliver([{ offset: '6', value: 'ok:b' }]);
    expect(outcomes).toEqual(['coordinator moved', 'committed']);
    await batchConsumer.stop();
  });
});
