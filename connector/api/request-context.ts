import type { StageTimer } from './timing.js';

/** Who is calling: the pair (Origin, JWT subject) that bulk signing and consent key on (CONTRACTS.md). */
export interface Caller {
  /** The request's Origin header, already checked against the allow-list; null without one. */
  readonly origin: string | null;
  /** The JWT `sub`; null when auth is `none` or on a public route. */
  readonly subject: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Stage timings of this request (Server-Timing). */
    timing: StageTimer;
    /** Set by the auth plugin before any route handler runs. */
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** Reachable without a JWT (only /info and /device-key, CONTRACTS.md). */
    public?: boolean;
  }
}
