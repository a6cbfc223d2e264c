import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { encryptPin } from '../support/device-key.js';
import { freeReader, withFreshCard } from '../support/fresh-card.js';
import { digestOf } from '../support/beid-expected.js';
import { pinFormsIn } from '../support/pin-forms.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

/**
 * PIN-01 (security checklist): a PIN never reaches a log or a trace. With a distinctive right PIN and a distinctive wrong one, the suite
 * drives VERIFY and a signature, then searches the connector's debug log, pcscd's APDU log and the simulator's APDU
 * trace for each PIN in ASCII, as a format-2 PIN block in hex, and in base64 — after checking that those logs do
 * hold the (redacted) VERIFY exchange, so it cannot pass on an empty log.
 */
const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const persona = 'be-de-adult';
const RIGHT = loadBeidPersona(persona).pin;
const WRONG = '739164';
const free = freeReader(target);

/** The file and, with `rotated`, the older files a size-rotated log moved its lines to (FILE.1, FILE.2, …). */
function readLog(file: string, rotated: boolean): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const names = rotated && existsSync(dir) ? readdirSync(dir).filter((n) => n === base || (n.startsWith(`${base}.`) && /^\d+$/.test(n.slice(base.length + 1)))) : [base];
  return names.map((n) => path.join(dir, n)).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('');
}

async function waitForContent(file: string, needle: RegExp, timeoutMs = 5_000, rotated = false): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readLog(file, rotated);
    if (needle.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`PIN-01: PIN canary in logs and traces [${target.backend}]`, () => {
  it.skipIf(!target.labDir || !free || RIGHT.length < 6)('no PIN in the connector log, pcscd APDU log or simulator trace (skipped: needs the lab and a free reader)', async () => {
    const origin = { origin: target.allowedOrigin };
    await withFreshCard(target, { profile: 'beid-1.7', persona }, async (rid) => {
      const base = `/v3/modules/beid/apps/token/readers/${rid}`;
      expect((await api.post(`${base}/verify-pin`, { pin: RIGHT }, origin)).status).toBe(200);
      const wrong = await api.post(`${base}/verify-pin`, { pin: WRONG }, origin);
      expect(wrong.status).toBe(412);
      expect(wrong.text).not.toContain(WRONG);
      const encrypted = await encryptPin(api, RIGHT);
      const signed = await api.post(`${base}/sign`, { algorithm: 'sha256', data: digestOf('sha256', Buffer.from('canary')).toString('base64'), pin: encrypted, base64Encoded: true }, origin);
      expect(signed.status).toBe(200);
    });

    const redactedVerify = /00 ?20 ?00 ?01 ?08 ?(2A ?){8}/i;
    const logs: Record<string, string> = {
      // the connector rotates its log by size (log.maxBytes): every rotated file is searched too
      'connector debug log': await waitForContent(path.join(target.labDir!, 'connector', 'connector.log'), redactedVerify, 5_000, true),
      'simulator APDU trace': await waitForContent(path.join(target.labDir!, `apdu-${free!.index}.log`), redactedVerify),
    };
    if (target.backend === 'pcsc') logs['pcscd APDU log'] = await waitForContent(target.state!.lab!.pcscdLog!, redactedVerify);
    for (const [name, text] of Object.entries(logs)) {
      expect(text, `${name} holds the redacted VERIFY`).toMatch(redactedVerify);
      expect(pinFormsIn(text, [RIGHT, WRONG]), `${name} contains`).toEqual([]);
    }
  });
});
