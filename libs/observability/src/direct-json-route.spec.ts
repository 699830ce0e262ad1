import 'reflect-metadata';
import { Body, Controller, type INestApplication, Module, Param, Post, Res } from '@nestjs/common';
import { type Response } from 'express';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { type JsonAnswer } from './direct-json-route';
import { ObservabilityModule } from './observability.module';
import { runService } from './run-service';
import { freePort } from '../test/free-port';

/** The route's work, shared by both paths (as the scorer's PredictEndpoint is). */
async function answer(id: string, body: unknown): Promise<JsonAnswer> {
  if (id === 'explode') throw new Error('the route failed');
  return { status: id === 'missing' ? 404 : 200, headers: { 'x-id': id }, body: { id, body } };
}

const LIMIT = 100 * 1024;
let direct = 0;

@Controller('echo')
class EchoController {
  @Post(':id/things')
  async things(@Param('id') id: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    const a = await answer(id, body);
    res.status(a.status);
    for (const [name, value] of Object.entries(a.headers ?? {})) res.setHeader(name, value);
    return a.body;
  }
}

@Module({ imports: [ObservabilityModule.forRoot({ service: 'direct-test' })], controllers: [EchoController] })
class EchoModule {}

interface Sent {
  path: string;
  headers: Record<string, string>;
  /** Several chunks are sent chunked (no Content-Length). */
  chunks: Array<string | Buffer>;
}

interface Received {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

function send(port: number, { path, headers, chunks }: Sent): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          body: text ? JSON.parse(text) : undefined,
          headers: res.headers,
        });
      });
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const json = { 'content-type': 'application/json' };
const one = (path: string, headers: Record<string, string>, body: string | Buffer): Sent => ({
  path,
  headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
  chunks: [body],
});
const big = JSON.stringify({ pad: 'x'.repeat(LIMIT) });

/** [what, request, taken by the direct path] */
const cases: Array<[string, Sent, boolean]> = [
  ['a JSON object', one('/echo/m1/things', json, '{"a":1,"b":[1,2]}'), true],
  [
    'with a query string and a charset',
    one('/echo/m1/things?x=1', { 'content-type': 'application/json; charset=UTF-8' }, '{"a":1}'),
    true,
  ],
  ['a JSON array', one('/echo/m1/things', json, '[1,2]'), true],
  ['an encoded path parameter', one('/echo/a%2Fb%20c/things', json, '{"a":1}'), true],
  ['a 404 from the route', one('/echo/missing/things', json, '{"a":1}'), true],
  ['chunked', { path: '/echo/m1/things', headers: json, chunks: ['{"a":', '1}'] }, true],
  ['chunked and empty', { path: '/echo/m1/things', headers: json, chunks: ['', ''] }, true],
  // The direct route reads application/json only; other +json types are Express's (same answer).
  [
    'a +json media type',
    one('/echo/m1/things', { 'content-type': 'application/merge-patch+json' }, '{"a":1}'),
    false,
  ],
  ['text/plain', one('/echo/m1/things', { 'content-type': 'text/plain' }, '{"a":1}'), false],
  ['no Content-Type', one('/echo/m1/things', {}, '{"a":1}'), false],
  ['no body', one('/echo/m1/things', json, ''), false],
  ['gzip', one('/echo/m1/things', { ...json, 'content-encoding': 'gzip' }, gzipSync('{"a":1}')), false],
  [
    'latin1',
    one('/echo/m1/things', { 'content-type': 'application/json; charset=latin1' }, '{"a":1}'),
    false,
  ],
  ['a declared length over the limit', one('/echo/m1/things', json, big), false],
  ['a path that does not decode', one('/echo/%E0%A4%A/things', json, '{"a":1}'), false],
  ['a trailing slash', one('/echo/m1/things/', json, '{"a":1}'), false],
];

describe('DirectJsonRoute answers as the NestJS route does (runService directRoutes)', () => {
  const apps: INestApplication[] = [];
  let nestPort = 0;
  let directPort = 0;
  const previousLevel = process.env.LOG_LEVEL;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    nestPort = await freePort();
    apps.push(
      await runService(EchoModule, { service: 'direct-test', httpHost: '127.0.0.1', httpPort: nestPort }),
    );
    directPort = await freePort();
    apps.push(
      await runService(EchoModule, {
        service: 'direct-test',
        httpHost: '127.0.0.1',
        httpPort: directPort,
        directRoutes: () => [
          {
            path: /^\/echo\/([^/]+)\/things$/,
            limitBytes: LIMIT,
            answer: (params, body) => {
              direct += 1;
              return answer(params[0], body);
            },
          },
        ],
      }),
    );
  });

  afterAll(async () => {
    process.env.LOG_LEVEL = previousLevel;
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    for (const app of apps) await app.close();
  });

  it.each(cases)('%s: same status, body and headers', async (_what, sent, taken) => {
    const before = direct;
    const viaNest = await send(nestPort, sent);
    const viaDirect = await send(directPort, sent);
    expect(direct - before).toBe(taken ? 1 : 0);
    expect(viaDirect.status).toBe(viaNest.status);
    expect(viaDirect.body).toEqual(viaNest.body);
    expect(viaDirect.headers['x-id']).toEqual(viaNest.headers['x-id']);
    expect(viaDirect.headers['content-type']).toEqual(viaNest.headers['content-type']);
  });

  it('refuses what Express refuses, with a 4xx and a message, whichever path answers', async () => {
    const refused: Array<[Sent, number]> = [
      [one('/echo/m1/things', json, '{"a": drift'), 400],
      [one('/echo/m1/things', json, '"a string"'), 400],
      [{ path: '/echo/m1/things', headers: json, chunks: [big.slice(0, 60_000), big.slice(60_000)] }, 413],
      [one('/echo/m1/things', json, big), 413],
      [one('/echo/m1/things', { 'content-type': 'text/plain' }, 'drift'), 415],
    ];
    for (const [sent, status] of refused) {
      const viaNest = await send(nestPort, sent);
      const viaDirect = await send(directPort, sent);
      expect([viaNest.status, viaDirect.status]).toEqual([status, status]);
      expect((viaDirect.body as { message: string }).message).toEqual(expect.any(String));
      expect((viaDirect.body as { statusCode: number }).statusCode).toBe(status);
    }
  });

  it('a route that throws is answered 500 as NestJS answers it', async () => {
    const sent = one('/echo/explode/things', json, '{"a":1}');
    const viaNest = await send(nestPort, sent);
    const viaDirect = await send(directPort, sent);
    expect(viaDirect).toMatchObject({ status: 500, body: viaNest.body });
  });

  it('keeps serving on the same keep-alive connection after a refused chunked body', async () => {
    const over = {
      path: '/echo/m1/things',
      headers: json,
      chunks: [big.slice(0, 60_000), big.slice(60_000)],
    };
    expect((await send(directPort, over)).status).toBe(413);
    expect((await send(directPort, one('/echo/m1/things', json, '{"a":1}'))).status).toBe(200);
  });
});
