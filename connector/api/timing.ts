/** Stage names the connector reports (CONTRACTS.md: tls/auth/queue/card); `total` is added at the end. */
export type Stage = 'tls' | 'auth' | 'queue' | 'card';

/**
 * Per-request stage timings, reported in the `Server-Timing` header. Routes and modules add to it; pass
 * `onStage` to `ReaderBackend.withSession` to get queue and card time.
 */
export class StageTimer {
  private readonly started: number;
  private readonly stages = new Map<Stage, number>();

  constructor(private readonly now: () => number) {
    this.started = now();
  }

  add(stage: Stage, ms: number): void {
    this.stages.set(stage, (this.stages.get(stage) ?? 0) + ms);
  }

  /** Times one awaited step under a stage. */
  async measure<T>(stage: Stage, step: () => Promise<T>): Promise<T> {
    const t0 = this.now();
    try {
      return await step();
    } finally {
      this.add(stage, this.now() - t0);
    }
  }

  /** The shape `ReaderBackend.withSession({ onStage })` expects. */
  readonly onStage = (stage: 'queue' | 'card', ms: number): void => this.add(stage, ms);

  /** `auth;dur=0.12, card;dur=48.3, total;dur=49.9` — stages in the order they were first recorded. */
  header(): string {
    const entries = [...this.stages, ['total', this.now() - this.started] as const];
    return entries.map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(', ');
  }
}
