import { spawnSync } from 'node:child_process';
import { isRoot } from './processes.js';

/**
 * The quickack route of lab-recipe.md. Debian's vpcd writes each frame's length and payload in two writes
 * without TCP_NODELAY; with delayed ACKs on the card's side every APDU then costs ~48 ms. A local route to
 * 127.0.0.2 with `quickack 1` makes the card's side ACK at once (~10,000 APDU/s). vpcd listens on all
 * addresses, so cards simply connect to 127.0.0.2. Needs root (CAP_NET_ADMIN); idempotent.
 */
export const QUICKACK_HOST = '127.0.0.2';
export const PLAIN_HOST = '127.0.0.1';

/** `host`: another loopback address gives a lab a route of its own (labs in containers side by side). */
const route = (host: string): string[] => ['local', `${host}/32`, 'dev', 'lo', 'table', 'local'];

export interface RouteResult {
  /** Where cards connect: 127.0.0.2 with the route, else 127.0.0.1. */
  readonly cardHost: string;
  readonly quickack: boolean;
  /** Why the route is missing (not root, `ip` failed), for the warning. */
  readonly warning?: string;
}

export const SLOW_MODE_WARNING =
  'without the quickack route every APDU through vpcd costs ~48 ms (about 21 APDU/s); run the lab as root to add it';

export function addQuickackRoute(host: string = QUICKACK_HOST): RouteResult {
  if (!isRoot()) return { cardHost: PLAIN_HOST, quickack: false, warning: `not root: ${SLOW_MODE_WARNING}` };
  const result = spawnSync('ip', ['route', 'replace', ...route(host), 'scope', 'host', 'src', PLAIN_HOST, 'quickack', '1'], { encoding: 'utf8' });
  if (result.status !== 0) {
    const reason = (result.stderr || result.error?.message || `exit ${result.status}`).trim();
    return { cardHost: PLAIN_HOST, quickack: false, warning: `ip route failed (${reason}): ${SLOW_MODE_WARNING}` };
  }
  return { cardHost: host, quickack: true };
}

/** True when the route (ours, or one left behind) is present. */
export function hasQuickackRoute(host: string = QUICKACK_HOST): boolean {
  const result = spawnSync('ip', ['route', 'show', 'table', 'local', `${host}/32`], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes(host);
}

/** Removes the route if present; a no-op without root or without the route. */
export function removeQuickackRoute(host: string = QUICKACK_HOST): void {
  if (!isRoot() || !hasQuickackRoute(host)) return;
  spawnSync('ip', ['route', 'del', ...route(host)], { stdio: 'ignore' });
}
