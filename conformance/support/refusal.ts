import { expect, it } from 'vitest';
import type { ApiResponse } from './http.js';

/** Words a refusal body must not use: they would tell an attacker which check failed (JWT-10). */
const ORACLE_WORDS = ['expired', 'signature', 'kid', 'audience', 'issuer', 'algorithm', 'claim', 'jwks', 'nbf', 'iat', 'lifetime', 'origin'];

/**
 * A test that runs, or is skipped with its reason in the title — `ID: what (skipped: reason)` — which is how
 * certify reports why an ID does not apply.
 */
export function checkItem(id: string, what: string, skipReason: string | null, fn: () => Promise<void>, timeout?: number): void {
  if (skipReason) it.skip(`${id}: ${what} (skipped: ${skipReason})`, fn);
  else it(`${id}: ${what}`, fn, timeout);
}

/**
 * An authentication refusal: 401 (or, for an oversized token, 413/431) with a JSON error body that names no
 * check. Each 401 body is added to `bodies`, so a suite can show they are all the same.
 */
export function expectAuthRefused(res: ApiResponse, what: string, bodies?: Set<string>, oversized = false): void {
  expect(oversized ? [413, 431] : [401], `${what}: HTTP ${res.status} ${res.text.slice(0, 200)}`).toContain(res.status);
  const body = res.body as { success?: unknown; code?: unknown; description?: unknown } | undefined;
  expect(body?.success, `${what}: a JSON error body`).toBe(false);
  expect(typeof body?.code === 'number' || typeof body?.code === 'string', `${what}: a code`).toBe(true);
  const text = res.text.toLowerCase();
  for (const word of ORACLE_WORDS) expect(text.includes(word), `${what}: the body says "${word}"`).toBe(false);
  if (res.status === 401) bodies?.add(res.text);
}
