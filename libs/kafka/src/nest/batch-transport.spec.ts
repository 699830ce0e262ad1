import 'reflect-metadata';
import { Controller, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { type Label, topicName } from '@continuum/events';
import { recordingBatchConsumer } from '../../test/recording-kafka';
import { type ConsumedRecord } from '../batch-consumer';
import { KafkaUsageError } from '../errors';
import { KafkaBatchContext, KafkaBatchTransport, type BatchPatternOptions } from './batch-transport';

const labels = topicName('labels');

async function start(controller: new (...args: never[]) => unknown) {
  const recording = recordingBatchConsumer();
  const moduleRef = await Test.createTestingModule({ controllers: [controller] }).compile();
  const app: INestMicroservice = moduleRef.createNestMicroservice({
    strategy: new KafkaBatchTransport(recording.batchConsumer),
    logger: false,
  });
  await app.init();
  await app.listen();
  return { ...recording, app };
}

describe('KafkaBatchTransport', () => {
  it('runs @EventPattern batch handlers on the batch runtime: payload, context, dead letters, then commit', async () => {
    const seen: string[] = [];
    @Controller()
    class Labels {
      @EventPattern('labels', {
        batch: true,
        validate: (l: Label) => (l.eventId === 'ok:veto' ? 'vetoed' : undefined),
      } satisfies BatchPatternOptions<Label>)
      async on(@Payload() records: Array<ConsumedRecord<Label>>, @Ctx() context: KafkaBatchContext) {
        seen.push(
          `${context.topic}/${context.partition} ${context.firstOffset}-${context.lastOffset} [${records.map((r) => r.offset).join(',')}]`,
        );
      }
    }
    const { app, deliver, log } = await start(Labels);
    await deliver(
      [
        { offset: '5', value: 'ok:a' },
        { offset: '6', value: 'bad' },
        { offset: '7', value: 'ok:veto' },
      ],
      labels,
    );
    expect(seen).toEqual([`${labels}/2 5-7 [5]`]);
    expect(log.slice(2)).toEqual(['deadLetters 6,7', 'commitBatch 2@8']);
    await app.close();
    expect(log.slice(-2)).toEqual(['consumer.stop', 'disconnect']);
  });

  it('leaves the commit to a handler that defers it, and commits what it says', async () => {
    @Controller()
    class Deferring {
      @EventPattern('labels', { batch: true })
      async on(@Payload() _records: unknown, @Ctx() context: KafkaBatchContext) {
        context.deferCommit();
        await context.commitOffsets('6');
      }
    }
    const { app, deliver, log } = await start(Deferring);
    await deliver(
      [
        { offset: '5', value: 'ok:a' },
        { offset: '6', value: 'ok:b' },
      ],
      labels,
    );
    expect(log.slice(2)).toEqual(['commitBatch 2@6']);
    await app.close();
  });

  it('fails the batch (nothing committed) when the handler throws, so it is retried', async () => {
    @Controller()
    class Failing {
      @EventPattern('labels', { batch: true })
      async on() {
        throw new Error('state store unavailable');
      }
    }
    const { app, deliver, log } = await start(Failing);
    await expect(deliver([{ offset: '5', value: 'ok:a' }], labels)).rejects.toThrow();
    expect(log.slice(2)).toEqual([]);
    await app.close();
  });

  it('refuses handlers that are not batch event handlers of a catalog topic', async () => {
    @Controller()
    class NotBatch {
      @EventPattern('labels')
      async on() {}
    }
    @Controller()
    class UnknownTopic {
      @EventPattern('no-such-topic', { batch: true })
      async on() {}
    }
    await expect(start(NotBatch)).rejects.toThrow(KafkaUsageError);
    await expect(start(UnknownTopic)).rejects.toThrow("'no-such-topic' is not a topic key");
  });
});
