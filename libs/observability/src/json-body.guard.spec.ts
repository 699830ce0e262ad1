import 'reflect-metadata';
import { Body, Controller, type INestApplication, Module, Post, Put, Req } from '@nestjs/common';
import { type Request } from 'express';
import { AcceptsBody, unreadableBodyReason } from './json-body.guard';
import { ObservabilityModule } from './observability.module';
import { runService } from './run-service';
import { freePort } from '../test/free-port';

describe('unreadableBodyReason', () => {
  it('reads JSON, with parameters and +json types', () => {
    expect(unreadableBodyReason({ contentType: 'application/json', contentLength: '2' })).toBeUndefined();
    expect(
      unreadableBodyReason({ contentType: 'Application/JSON; charset=utf-8', contentLength: '2' }),
    ).toBeUndefined();
    expect(
      unreadableBodyReason({ contentType: 'application/merge-patch+json', contentLength: '2' }),
    ).toBeUndefined();
  });

  it('refuses a body of another media type, naming it and what to send', () => {
    expect(unreadableBodyReason({ contentType: 'text/plain', contentLength: '5' })).toBe(
      'Content-Type text/plain is not accepted here: send the body as application/json',
    );
    expect(unreadableBodyReason({ contentType: 'application/xml', transferEncoding: 'chunked' })).toBe(
      'Content-Type application/xml is not accepted here: send the body as application/json',
    );
  });

  it('refuses a body without a Content-Type', () => {
    expect(unreadableBodyReason({ contentLength: '12' })).toBe(
      'the request has a body but no Content-Type: send it as application/json',
    );
  });

  it('leaves a request without a body to the route', () => {
    expect(unreadableBodyReason({})).toBeUndefined();
    expect(unreadableBodyReason({ contentType: 'text/plain', contentLength: '0' })).toBeUndefined();
  });

  it('a route that takes another media type takes only that one', () => {
    const raw = ['application/octet-stream'];
    expect(
      unreadableBodyReason({ contentType: 'application/octet-stream', contentLength: '9' }, raw),
    ).toBeUndefined();
    expect(unreadableBodyReason({ contentType: 'application/json', contentLength: '9' }, raw)).toBe(
      'Content-Type application/json is not accepted here: send the body as application/octet-stream',
    );
  });
});

const received: unknown[] = [];

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() body: unknown): { ok: true } {
    received.push(body);
    return { ok: true };
  }

  @Put('blob')
  @AcceptsBody('application/octet-stream')
  upload(@Req() req: Request): { bytes: number } {
    return { bytes: Buffer.isBuffer(req.body) ? req.body.length : -1 };
  }
}

@Module({ imports: [ObservabilityModule.forRoot({ service: 'body-test' })], controllers: [ThingsController] })
class ThingsModule {}

describe('every service answers a body it cannot read with 415 or 400, never drops it (runService)', () => {
  let app: INestApplication | undefined;
  let base = '';
  const previousLevel = process.env.LOG_LEVEL;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    const port = await freePort();
    app = await runService(ThingsModule, {
      service: 'body-test',
      httpHost: '127.0.0.1',
      httpPort: port,
      configure: (a) => {
        const express = a as import('@nestjs/platform-express').NestExpressApplication;
        express.useBodyParser('raw');
      },
    });
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    process.env.LOG_LEVEL = previousLevel;
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    await app?.close();
  });

  const post = (headers: Record<string, string>, body?: string) =>
    fetch(`${base}/things`, { method: 'POST', headers, body });

  it.each([
    ['text/plain', 'reason=drift', 'Content-Type text/plain is not accepted here'],
    ['application/xml', '<retrain reason="drift"/>', 'Content-Type application/xml is not accepted here'],
  ])('%s: 415 with the reason', async (contentType, body, message) => {
    received.length = 0;
    const res = await post({ 'content-type': contentType }, body);
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toContain(message);
    expect(received).toEqual([]);
  });

  it('a body without a Content-Type: 415', async () => {
    received.length = 0;
    // fetch adds text/plain to a string body; a Uint8Array body goes without a Content-Type.
    const res = await post({}, new TextEncoder().encode('{"reason":"drift"}') as unknown as string);
    expect(res.status).toBe(415);
    expect(((await res.json()) as { message: string }).message).toContain('no Content-Type');
    expect(received).toEqual([]);
  });

  it('JSON that does not parse: 400 with a message', async () => {
    received.length = 0;
    const res = await post({ 'content-type': 'application/json' }, '{"reason": drift');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/JSON/);
    expect(received).toEqual([]);
  });

  it('a +json media type is parsed as JSON, not handed over as no body', async () => {
    received.length = 0;
    const res = await post({ 'content-type': 'application/merge-patch+json' }, '{"reason":"drift"}');
    expect(res.status).toBe(201);
    expect(received).toEqual([{ reason: 'drift' }]);
  });

  it('JSON and no body at all reach the route', async () => {
    received.length = 0;
    expect((await post({ 'content-type': 'application/json' }, '{"reason":"drift"}')).status).toBe(201);
    expect((await post({})).status).toBe(201);
    expect(received[0]).toEqual({ reason: 'drift' });
  });

  it('a route that takes raw bytes takes them, and refuses JSON', async () => {
    const put = (contentType: string, body: string) =>
      fetch(`${base}/things/blob`, { method: 'PUT', headers: { 'content-type': contentType }, body });
    const raw = await put('application/octet-stream', 'abc');
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ bytes: 3 });
    expect((await put('application/json', '{}')).status).toBe(415);
  });
});
