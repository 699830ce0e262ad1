import {
  type ChangeStageRequest,
  type CreateModelRequest,
  type ErrorDto,
  type HistoryDto,
  type LineageDto,
  type ModelDto,
  type RegisterVersionRequest,
  type StageChangeDto,
  type VersionDto,
} from './api';
import { type ArtifactRef } from './model';

/** An answer of the registry other than 2xx (or no answer at all: status 0). */
export class RegistryHttpError extends Error {
  override readonly name: string = 'RegistryHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** For 400: the request field at fault. */
    readonly field?: string,
  ) {
    super(message);
  }

  /** 409: the model's revision is not the one the caller expected (someone else changed it). */
  get conflict(): boolean {
    return this.status === 409;
  }

  get notFound(): boolean {
    return this.status === 404;
  }
}

export interface RegistryClientOptions {
  /**
   * One or more registry instances. A call answered 421 (the instance does not own the model's
   * partition) or not answered at all is tried on the next URL.
   */
  baseUrl: string | readonly string[];
  /** REGISTRY_API_TOKEN: sent as a bearer token with mutating calls. */
  token?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface RegisterVersionResult {
  version: VersionDto;
  /** false when the idempotency key had registered it already (HTTP 200 instead of 201). */
  created: boolean;
}

const enc = encodeURIComponent;

/** Typed HTTP client of the registry's REST API (fetch only: usable from any service or tool). */
export class RegistryClient {
  private readonly urls: readonly string[];
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: RegistryClientOptions) {
    const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl;
    if (urls.length === 0) throw new Error('RegistryClient needs at least one baseUrl');
    this.urls = urls.map((u) => u.replace(/\/+$/, ''));
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  createModel(body: CreateModelRequest): Promise<ModelDto> {
    return this.json<ModelDto>('POST', '/models', body);
  }

  listModels(): Promise<ModelDto[]> {
    return this.json<ModelDto[]>('GET', '/models');
  }

  getModel(modelId: string): Promise<ModelDto> {
    return this.json<ModelDto>('GET', `/models/${enc(modelId)}`);
  }

  async registerVersion(modelId: string, body: RegisterVersionRequest): Promise<RegisterVersionResult> {
    const { status, body: version } = await this.request<VersionDto>(
      'POST',
      `/models/${enc(modelId)}/versions`,
      body,
    );
    return { version, created: status === 201 };
  }

  /** Stores the bytes as the version's artifact in the registry's artifact store. */
  uploadArtifact(modelId: string, version: string, bytes: Uint8Array): Promise<ArtifactRef> {
    return this.json<ArtifactRef>('PUT', `/models/${enc(modelId)}/versions/${enc(version)}/artifact`, bytes);
  }

  listVersions(modelId: string, stage?: string): Promise<VersionDto[]> {
    const query = stage ? `?stage=${enc(stage)}` : '';
    return this.json<VersionDto[]>('GET', `/models/${enc(modelId)}/versions${query}`);
  }

  getVersion(modelId: string, version: string): Promise<VersionDto> {
    return this.json<VersionDto>('GET', `/models/${enc(modelId)}/versions/${enc(version)}`);
  }

  /** The version's reference profile JSON (libs/drift ReferenceProfileJSON), wherever it is stored. */
  referenceProfile(modelId: string, version: string): Promise<unknown> {
    return this.json<unknown>('GET', `/models/${enc(modelId)}/versions/${enc(version)}/reference-profile`);
  }

  /** The champion, or undefined when the model has none (404 for an unknown model). */
  async champion(modelId: string): Promise<VersionDto | undefined> {
    const [champion] = await this.listVersions(modelId, 'CHAMPION');
    return champion;
  }

  history(modelId: string, version: string): Promise<HistoryDto> {
    return this.json<HistoryDto>('GET', `/models/${enc(modelId)}/versions/${enc(version)}/history`);
  }

  lineage(modelId: string, version: string): Promise<LineageDto> {
    return this.json<LineageDto>('GET', `/models/${enc(modelId)}/versions/${enc(version)}/lineage`);
  }

  changeStage(modelId: string, version: string, body: ChangeStageRequest): Promise<StageChangeDto> {
    return this.json<StageChangeDto>('POST', `/models/${enc(modelId)}/versions/${enc(version)}/stage`, body);
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.request<T>(method, path, body)).body;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    let last: RegistryHttpError | undefined;
    for (const url of this.urls) {
      let response: Response;
      try {
        response = await this.send(method, url + path, body);
      } catch (error) {
        last = error as RegistryHttpError;
        continue;
      }
      const text = await response.text();
      const parsed = parseJson(text);
      if (response.ok) return { status: response.status, body: parsed as T };
      const error = parsed as Partial<ErrorDto> | undefined;
      last = new RegistryHttpError(
        response.status,
        typeof error?.error === 'string' ? error.error : String(response.status),
        typeof error?.message === 'string' ? error.message : text || response.statusText,
        typeof error?.field === 'string' ? error.field : undefined,
      );
      if (response.status !== 421) throw last;
    }
    throw last!;
  }

  private async send(method: string, url: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET' && this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) {
      headers['content-type'] = 'application/octet-stream';
      payload = body;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    try {
      return await this.fetch(url, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new RegistryHttpError(
        0,
        'UNREACHABLE',
        `${method} ${url}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
