/** A command waited too long for its event to come back from the topic. */
export class EventTimeoutError extends Error {
  override readonly name = 'EventTimeoutError';
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** Promises of results keyed by event id, settled when the event is read back. */
export class EventWaiters<T> {
  private readonly waiting = new Map<string, Waiter<T>>();

  wait(eventId: string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(eventId);
        reject(
          new EventTimeoutError(`event ${eventId} did not come back from the topic within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      timer.unref();
      this.waiting.set(eventId, { resolve, reject, timer });
    });
  }

  settle(eventId: string, value: T): void {
    const waiter = this.waiting.get(eventId);
    if (!waiter) return;
    this.waiting.delete(eventId);
    clearTimeout(waiter.timer);
    waiter.resolve(value);
  }

  cancel(eventId: string): void {
    const waiter = this.waiting.get(eventId);
    if (!waiter) return;
    this.waiting.delete(eventId);
    clearTimeout(waiter.timer);
  }
}
