import { afterAll, describe, expect } from 'vitest';
import { apdusDuring, beidBase, witnessUnavailable } from '../support/apdu-witness.js';
import { encryptPin } from '../support/device-key.js';
import type { ApiResponse } from '../support/http.js';
import { checkItem } from '../support/refusal.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

/**
 * security-checklist API-01 (strict schemas, size and depth limits, prototype keys, reader ids decoded once and
 * capped), API-02 (no raw-APDU endpoint) and PIN-04 (PIN length and charset checked before any APDU, so no try
 * is spent) — each against a fresh witness card whose simulator trace must show no APDU.
 */
const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());
const origin = { origin: target.allowedOrigin };
const unavailable = witnessUnavailable(target);

function refused(res: ApiResponse, what: string, statuses: readonly number[] = [400]): void {
  expect(statuses, `${what}: HTTP ${res.status} ${res.text.slice(0, 160)}`).toContain(res.status);
  expect((res.body as { success?: unknown } | undefined)?.success, `${what}: a JSON error`).toBe(false);
}

const encrypted = (pin: string): Promise<string> => encryptPin(api, pin);

/** Runs `attempt` on a fresh witness card and checks it sent the card exactly what an idle card gets. */
async function noApdu(attempt: (rid: string) => Promise<void>): Promise<void> {
  const idle = await apdusDuring(target, async () => undefined);
  expect(await apdusDuring(target, attempt), 'APDUs').toBe(idle);
}

describe(`input handling [${target.backend}]`, () => {
  checkItem('API-01', 'unknown fields, __proto__/constructor keys, deep nesting, bad JSON and oversized bodies are refused before the card', unavailable, async () => {
    await noApdu(async (rid) => {
      const url = `${beidBase(rid)}/verify-pin`;
      const raw = (rawBody: string): Promise<ApiResponse> => api.request(url, { method: 'POST', rawBody, headers: { 'content-type': 'application/json' }, ...origin });
      refused(await api.post(url, { pin: '1234', evil: true }, origin), 'unknown field');
      refused(await raw('{"pin":"1234","__proto__":{"isAdmin":true}}'), '__proto__');
      refused(await raw('{"pin":"1234","constructor":{"prototype":{"isAdmin":true}}}'), 'constructor');
      refused(await raw(`{"pin":${'['.repeat(5000)}${']'.repeat(5000)}}`), 'deep nesting');
      refused(await raw('{"pin":"1234"'), 'truncated JSON');
      refused(await raw('{"pin":"1234"} trailing'), 'trailing data');
      refused(await raw(`{"pin":"1234","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`), '2 MB body', [413]);
      refused(await api.request(url, { method: 'POST', rawBody: 'pin=1234', headers: { 'content-type': 'application/x-www-form-urlencoded' }, ...origin }), 'form body');
    });
  }, 60_000);

  checkItem('API-01', 'reader ids are decoded once and length-capped', unavailable, async () => {
    await noApdu(async (rid) => {
      const twice = [...rid].map((c) => `%25${c.charCodeAt(0).toString(16)}`).join('');
      refused(await api.get(`${beidBase(twice)}/biometric`, origin), 'double-encoded reader id', [400, 404, 422]);
      refused(await api.get(`${beidBase('a'.repeat(5000))}/biometric`, origin), 'a 5000-character reader id', [400, 404, 414, 431]);
      refused(await api.get(`${beidBase('..%2F..%2Finfo')}/biometric`, origin), 'an encoded traversal', [400, 404]);
      refused(await api.get(`/v3/readers/${'%00'.repeat(8)}`, origin), 'NUL bytes', [400, 404]);
    });
  }, 60_000);

  checkItem('API-02', 'there is no raw-APDU or remote-loading endpoint', unavailable, async () => {
    await noApdu(async (rid) => {
      const body = { apdu: '00A4040C', commands: ['00A4040C'], data: '00A4040C' };
      for (const path of [`/v3/readers/${rid}/apdu`, `/v3/readers/${rid}/apdus`, `/v3/readers/${rid}/command`, `/v3/readers/${rid}/transmit`, `${beidBase(rid)}/apdu`, `/v3/modules/remoteloading/apps/token/readers/${rid}/apdu`, `/v3/modules/remoteloading/${rid}/apdus`]) {
        refused(await api.post(path, body, origin), path, [400, 404, 405]); // 400: an unknown module
      }
    });
  }, 60_000);

  checkItem('PIN-04', 'a PIN too short, too long or not all digits is refused before any APDU (no try spent)', unavailable, async () => {
    await noApdu(async (rid) => {
      const url = `${beidBase(rid)}/verify-pin`;
      for (const pin of ['123', '1234567890123', '12a4', '', '12 34', '１２３４', '1234\u0000', '-1234']) {
        refused(await api.post(url, { pin }, origin), `plain PIN ${JSON.stringify(pin)}`);
        if (pin !== '') refused(await api.post(url, { pin: await encrypted(pin), base64Encoded: true }, origin), `encrypted PIN ${JSON.stringify(pin)}`);
      }
      refused(await api.post(url, { pin: 1234 }, origin), 'a number');
      refused(await api.post(url, { pin: false }, origin), 'false (a JSEncrypt failure)');
    });
  }, 60_000);
});
