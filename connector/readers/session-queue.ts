import { ConnectorError } from '../errors/index.js';

/**
 * One reader's sessions, one at a time in arrival order. A full queue refuses at once (503) rather than
 * letting callers pile up behind a slow card.
 */
export class SessionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly limit: number) {}

  /** Sessions queued or running. */
  get depth(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.limit) {
      return Promise.reject(new ConnectorError('ERR_READER_QUEUE_FULL', { details: { queueLimit: this.limit } }));
    }
    this.waiting += 1;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.waiting -= 1;
    });
  }
}
