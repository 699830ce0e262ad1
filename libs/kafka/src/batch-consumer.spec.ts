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
