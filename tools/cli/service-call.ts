/**
 * A JSON call to one of the services' HTTP APIs (controller, promoter) with a bearer token. The
 * registry has its typed client (@continuum/registry's RegistryClient). A service that cannot be
 * reached or answers other than 2xx is a CommandFailure naming the service, the status and its message.
 */
import { CommandFailure, type CommandIo } from './command';

export interface ServiceAnswer {
  status: number;
  body: Record<string, unknown>;
}

export async function callService(
  io: CommandIo,
  service: string,
  request: { url: string; token: string; body: unknown; headers?: Record<string, string> },
): Promise<ServiceAnswer> {
  const fetchFn = io.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchFn(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${request.token}`,
        ...request.headers,
      },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new CommandFailure(
      `cannot reach the ${service} at ${request.url}: ${cause ?? (error as Error).message}`,
    );
  }
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    body =
      parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const message = Array.isArray(body.message) ? body.message.join('; ') : String(body.message ?? text);
    throw new CommandFailure(`the ${service} answered ${response.status}: ${message}`);
  }
  return { status: response.status, body };
}

/** `base` + a path of URI-encoded segments. */
export function serviceUrl(base: string, ...segments: string[]): string {
  return `${base.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
}
