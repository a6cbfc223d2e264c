import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { StageTimer } from '../timing.js';

export interface TimingOptions {
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

/** Starts a StageTimer for each request first thing, and sends it as `Server-Timing` on every response. */
export const timingPlugin = fp(
  async (app: FastifyInstance, options: TimingOptions) => {
    app.decorateRequest('timing', null as unknown as StageTimer);
    app.addHook('onRequest', async (request) => {
      request.timing = new StageTimer(options.now);
    });
    app.addHook('onSend', async (request, reply) => {
      // Requests fastify could not route (bad URL) skip onRequest and have no timer.
      if ((request.timing as StageTimer | null) !== null) reply.header('Server-Timing', request.timing.header());
    });
  },
  { name: 't1c-timing', fastify: '5.x' },
);
