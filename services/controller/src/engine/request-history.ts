import { type RetrainReason, type RetrainRequest } from '@continuum/events';

/** What the guards need to know about a request already on the requests topic. */
export interface EmittedRequest {
  requestId: string;
  modelId: string;
  reason: RetrainReason;
  requestedAt: number;
  /** `kind|reference` of every piece of evidence it cites. */
  cites: string[];
}

export function evidenceRef(kind: string, reference: string): string {
  return `${kind}|${reference}`;
}

export function summarizeRequest(request: RetrainRequest): EmittedRequest {
  return {
    requestId: request.requestId,
    modelId: request.modelId,
    reason: request.reason,
    requestedAt: request.requestedAt,
    cites: request.evidence.map((e) => evidenceRef(e.kind, e.reference)),
  };
}

/**
 * The recent requests of every model, rebuilt from the requests topic at start-up and extended as
 * requests are emitted: the cooldown, the daily budget and the recognition of re-raised requests
 * are all computed from it, so they survive restarts with Kafka as the record.
 */
export class RequestHistory {
  private readonly byModel = new Map<string, EmittedRequest[]>();
  private readonly ids = new Set<string>();

  /** Adds a request; false when its id is already known. */
  add(request: EmittedRequest): boolean {
    if (this.ids.has(request.requestId)) return false;
    this.ids.add(request.requestId);
    const list = this.byModel.get(request.modelId) ?? [];
    list.push(request);
    list.sort((a, b) => a.requestedAt - b.requestedAt);
    this.byModel.set(request.modelId, list);
    return true;
  }

  has(requestId: string): boolean {
    return this.ids.has(requestId);
  }

  /** True when an emitted request of the model already cites this evidence. */
  cites(modelId: string, ref: string): boolean {
    return this.byModel.get(modelId)?.some((r) => r.cites.includes(ref)) ?? false;
  }

  last(modelId: string): EmittedRequest | undefined {
    const list = this.byModel.get(modelId);
    return list?.[list.length - 1];
  }

  /** Requests of the model with requestedAt > since, oldest first. */
  since(modelId: string, since: number): EmittedRequest[] {
    return (this.byModel.get(modelId) ?? []).filter((r) => r.requestedAt > since);
  }

  /** Forgets requests older than `before`; they can no longer affect any guard. */
  prune(before: number): void {
    for (const [modelId, list] of this.byModel) {
      const kept = list.filter((r) => r.requestedAt >= before);
      for (const r of list) if (r.requestedAt < before) this.ids.delete(r.requestId);
      if (kept.length > 0) this.byModel.set(modelId, kept);
      else this.byModel.delete(modelId);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
