import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sameSecret } from '../ds/secrets.js';

/** The query parameter that carries the secret in the URL a user opens once; it is exchanged for a cookie. */
export const SECRET_PARAM = 'secret';

export interface GuardOptions {
  /** The one origin this server answers, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  /** The per-lab secret (newSecret() of the DS simulator: 256 random bits); it lives in the lab state. */
  readonly secret: string;
  /** The cookie's name: one per server, since browsers share cookies between the ports of one host. */
  readonly cookie: string;
  /** The Content-Security-Policy of every answer. */
  readonly csp: string;
}

export type GuardRefusal = 'ERR_LAB_CONSOLE_REFUSED' | 'ERR_LAB_CONSOLE_SECRET';

/** Headers every answer of the console and the demo carries, SSE streams included. No CORS header, ever. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

/**
 * The cookie value for an origin: an HMAC of the origin under the secret, never the secret itself. Cookies are not
 * scoped by port, so another loopback server may see this cookie; it opens only this origin, and only while this lab
 * runs.
 */
export function cookieValue(secret: string, origin: string): string {
  return createHmac('sha256', secret).update(`t1c-lab console cookie for ${origin}`).digest('base64url');
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

function refuse(reply: FastifyReply, status: number, code: GuardRefusal, error: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ code, error });
}

/**
 * Who may talk to a console (or demo) server, checked before any route:
 * - the Host header names this server exactly (a DNS-rebinding page carries its own name);
 * - an Origin header, when sent, is this origin; a POST must carry it (browsers send it on every POST), so a
 *   state-changing request from any other page is refused even before the cookie is looked at;
 * - Sec-Fetch-Site, when sent, is `same-origin`, or `none` for a GET the user opened (a link in the terminal);
 * - only GET, HEAD and POST; the CORS preflight OPTIONS is refused like any other method;
 * - the cookie (HttpOnly, SameSite=Strict, this server's own name) is present and right — or, on `GET /`, the
 *   secret is in the URL: then the cookie is set and the browser sent back to `/` without it.
 */
export const consoleGuard = fp<GuardOptions>(
  async (app: FastifyInstance, options) => {
    const host = new URL(options.origin).host;
    const headers = securityHeaders(options.csp);
    const cookie = cookieValue(options.secret, options.origin);
    app.addHook('onSend', async (_request, reply, payload) => {
      // A route may tighten the policy of what it serves (a report runs sandboxed); the other headers are fixed.
      for (const [name, value] of Object.entries(headers)) if (name !== 'content-security-policy' || !reply.hasHeader(name)) reply.header(name, value);
      return payload;
    });
    // Every answer in one shape, {code, error}, as the pages read it.
    app.setNotFoundHandler(async (request, reply) => reply.code(404).send({ code: 'ERR_LAB_CONSOLE', error: `no ${request.method} ${request.url.split('?')[0]}` }));
    app.setErrorHandler(async (error: { statusCode?: number; message: string }, _request, reply) => {
      const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
      return reply.code(status).send({ code: 'ERR_LAB_CONSOLE', error: error.message });
    });
    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.host !== host) return refuse(reply, 403, 'ERR_LAB_CONSOLE_REFUSED', `this server answers only to Host ${host}`);
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== options.origin) return refuse(reply, 403, 'ERR_LAB_CONSOLE_REFUSED', `requests from ${origin} are refused`);
      const site = request.headers['sec-fetch-site'];
      const read = request.method === 'GET' || request.method === 'HEAD';
      if (site !== undefined && site !== 'same-origin' && !(site === 'none' && read)) return refuse(reply, 403, 'ERR_LAB_CONSOLE_REFUSED', `${String(site)} requests are refused`);
      if (!read && request.method !== 'POST') return refuse(reply, 405, 'ERR_LAB_CONSOLE_REFUSED', `${request.method} is not served`);
      if (request.method === 'POST' && origin !== options.origin) return refuse(reply, 403, 'ERR_LAB_CONSOLE_REFUSED', 'a POST must come from this origin');
      if (sameSecret(cookieOf(request, options.cookie), cookie)) return;
      const url = new URL(request.url, options.origin);
      if (read && url.pathname === '/' && sameSecret(url.searchParams.get(SECRET_PARAM) ?? undefined, options.secret)) {
        return reply.code(303).header('set-cookie', `${options.cookie}=${cookie}; Path=/; HttpOnly; SameSite=Strict`).header('location', '/').send();
      }
      return refuse(reply, 401, 'ERR_LAB_CONSOLE_SECRET', 'open the URL `t1c-lab lab console` prints: it carries the lab secret');
    });
  },
  { name: 't1c-lab-console-guard', fastify: '5.x' },
);
