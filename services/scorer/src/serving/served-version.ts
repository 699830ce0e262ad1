import { type ContractValidator, type ServingModel } from '@continuum/learning';

export type ServedStage = 'CHAMPION' | 'SHADOW';

/**
 * One loaded model version: the serving model, its contract checker and a count of the requests
 * using it. A version that leaves service is retired; it is disposed once its last request has
 * finished, so a hot swap never pulls a model from under a request in flight.
 */
export class ServedVersion {
  private inFlight = 0;
  private retired = false;
  private disposed = false;

  constructor(
    readonly modelId: string,
    readonly version: string,
    readonly model: ServingModel,
    readonly validator: ContractValidator,
    /** When it finished loading and warming up (epoch ms). */
    readonly loadedAt: number,
  ) {}

  /** Marks a request as using this version; pair with release(). */
  acquire(): this {
    this.inFlight += 1;
    return this;
  }

  release(): void {
    this.inFlight -= 1;
    if (this.retired && this.inFlight === 0) this.dispose();
  }

  /** Leaves service: disposed now if idle, else when the last request releases it. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.dispose();
  }

  get active(): number {
    return this.inFlight;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }
}
