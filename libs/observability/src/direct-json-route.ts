import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What a route answers: a status, extra headers and a JSON body. */
export interface JsonAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * A hot JSON POST route served by Node's HTTP server directly, in front of the NestJS/Express
 * stack. On a service whose every request is small (the scorer's one-event predict), Express's
 * routing, body parser, guards and ETag cost more CPU than the work itself, and that CPU is what
 * the latency tail queues behind. The same route stays registered in NestJS: anything this path
 * does not take exactly as Express would (no body, a compressed body, a charset other than UTF-8,
 * a Content-Type other than application/json, a declared length over the limit, a path that does
 * not decode) is handed to Express untouched, so every edge answers exactly as before.
 */
export interface DirectJsonRoute {
  /** The route's path (no query string); its capture groups are URI-decoded and passed to answer. */
  readonly path: RegExp;
  /** Largest body read (Express's JSON limit for the same route). */
  readonly limitBytes: number;
  answer(params: readonly string[], body: unknown): Promise<JsonAnswer>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Puts the routes in front of the server's current request listeners (the Express application).
 * Errors a route throws are answered 500 the way NestJS does and reported to `onError`.
 */
export function serveDirectRoutes(
  server: Server,
  routes: readonly DirectJsonRoute[],
  onError: (error: unknown) => void,
): void {
  const fallback = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const taken = req.method === 'POST' && takeRequest(routes, req, res, onError);
    if (!taken) for (const listener of fallback) listener.call(server, req, res);
  });
}

/** Starts serving the request when a route takes it; false hands it to Express. */
function takeRequest(
  routes: readonly DirectJsonRoute[],
  req: IncomingMessage,
  res: ServerResponse,
  onError: (error: unknown) => void,
): boolean {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  for (const route of routes) {
    const match = route.path.exec(path);
    if (!match) continue;
    const params = decodeParams(match);
    if (params === null || !readsAsExpressWould(req, route.limitBytes)) return false;
    readBody(req, res, route, params, onError);
    return true;
  }
  return false;
}

function decodeParams(match: RegExpExecArray): string[] | null {
  try {
    return match.slice(1).map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
}

/** A UTF-8 JSON body, not compressed, with a length within the limit or chunked. */
function readsAsExpressWould(req: IncomingMessage, limitBytes: number): boolean {
  const headers = req.headers;
  const contentType = headers['content-type'];
  if (contentType === undefined) return false;
  const [type, ...parameters] = contentType.split(';');
  // Only application/json, the hot case; other +json types go through Express's parser.
  if (type.trim().toLowerCase() !== 'application/json') return false;
  for (const parameter of parameters) {
    const [name, value = ''] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return false;
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const length = headers['content-length'];
  if (length !== undefined) {
    const bytes = Number(length);
    return Number.isInteger(bytes) && bytes > 0 && bytes <= limitBytes;
  }
  return headers['transfer-encoding'] !== undefined;
}

function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  route: DirectJsonRoute,
  params: readonly string[],
  onError: (error: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    bytes += chunk.length;
    if (bytes > route.limitBytes) {
      // A chunked body over the limit: answered like body-parser's 413; the rest is read and dropped.
      refused = true;
      chunks.length = 0;
      send(res, { status: 413, body: nestError(413, 'request entity too large', 'Payload Too Large') });
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = parseStrictJson(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      send(res, {
        status: 400,
        body: nestError(400, `the body is not valid JSON: ${reason}`, 'Bad Request'),
      });
      return;
    }
    route.answer(params, body).then(
      (answer) => send(res, answer),
      (error: unknown) => {
        onError(error);
        send(res, { status: 500, body: { statusCode: 500, message: 'Internal server error' } });
      },
    );
  });
  // A client that goes away mid-body: nothing to answer.
  req.on('error', () => undefined);
}

/**
 * JSON as Express's parser reads it in its strict mode: an empty body is `{}`, and only an object
 * or an array is a body (a bare string or number is refused).
 */
function parseStrictJson(text: string): unknown {
  let i = 0;
  while (i < text.length && JSON_WHITESPACE.includes(text[i])) i += 1;
  if (i === text.length) return {};
  if (text[i] !== '{' && text[i] !== '[')
    throw new SyntaxError(`a body must be a JSON object or array, not ${JSON.stringify(text[i])}…`);
  return JSON.parse(text);
}

const JSON_WHITESPACE = ' \t\n\r';

/** NestJS's error body shape, so a client sees one format whichever path answered. */
function nestError(statusCode: number, message: string, error: string) {
  return { statusCode, message, error };
}

function send(res: ServerResponse, answer: JsonAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}
