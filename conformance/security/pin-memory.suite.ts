import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect } from 'vitest';
import { encodePinBlock } from '../../connector/protocol/index.js';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { labConnectorPid } from '../../simulators/lab/connector-process.js';
import { beidBase } from '../support/apdu-witness.js';
import { digestOf } from '../support/beid-expected.js';
import { encryptPin } from '../support/device-key.js';
import { freeReader, withFreshCard } from '../support/fresh-card.js';
import { checkItem } from '../support/refusal.js';
import { connectorClient, conformanceTarget } from '../support/target.js';
import { searchProcessMemory, type MemoryPattern } from './process-memory.js';

/**
 * security-checklist PIN-02 as far as Node allows: a PIN sent the way the SDK sends it (encrypted with the device
 * key) lives in the connector only in Buffers, which must be zeroed after use — so after VERIFY, a signature and a
 * bulk-signing round, neither the PIN digits nor its PIN block are anywhere in the connector process's writable
 * memory. (A PIN sent in clear arrives as a JavaScript string, which no code can erase: that form is not tested.)
 * The persona's PIN is used by no other suite, and the memory is searched before too, so a hit is this test's.
 * The digit forms count only where they stand alone: inside a longer number (the log's millisecond timestamps
 * hold any six-digit run sooner or later) they are another value.
 */
const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());
const PERSONA = 'be-foreigner';
const PIN = loadBeidPersona(PERSONA).pin;

/** The lab connector's pid, when its memory map can be read. */
function connectorPid(): number | null {
  const pid = target.labDir ? labConnectorPid(target.labDir) : null;
  if (pid === null) return null;
  try {
    readFileSync(`/proc/${pid}/maps`);
    return pid;
  } catch {
    return null;
  }
}

const pid = connectorPid();
const why = !target.labDir ? "needs the lab: a --target's memory is not ours to read" : pid === null ? "cannot read the lab connector's /proc maps" : !freeReader(target) ? 'needs a free reader' : PIN.length < 6 ? 'needs a PIN of 6+ digits' : null;

function patterns(): Record<string, MemoryPattern> {
  const digits = Buffer.from(PIN, 'ascii');
  const block = encodePinBlock(digits);
  return {
    'PIN digits': { bytes: digits, digits: 'ascii' },
    'PIN digits, reversed': { bytes: Buffer.from(digits).reverse(), digits: 'ascii' },
    'PIN block': { bytes: block },
    'PIN block, reversed': { bytes: Buffer.from(block).reverse() },
    'PIN digits, UTF-16': { bytes: Buffer.from(PIN, 'utf16le'), digits: 'utf16' },
  };
}

describe(`PIN buffers [${target.backend}]`, () => {
  checkItem('PIN-02', "an encrypted PIN leaves no trace in the connector's memory after VERIFY, signing and bulk signing", why, async () => {
    const encrypt = (): Promise<string> => encryptPin(api, PIN);
    const before = searchProcessMemory(pid!, patterns());
    expect(before.hits, 'the PIN is already in memory: the test cannot tell').toEqual([]);
    await withFreshCard(target, { profile: 'beid-1.7', persona: PERSONA }, async (rid) => {
      const base = beidBase(rid);
      const origin = { origin: target.allowedOrigin };
      const body = (pin?: string) => ({ algorithm: 'sha256', data: digestOf('sha256', randomBytes(16)).toString('base64'), ...(pin ? { pin, base64Encoded: true } : {}) });
      expect((await api.post(`${base}/verify-pin`, { pin: await encrypt(), base64Encoded: true }, origin)).status).toBe(200);
      expect((await api.post(`${base}/sign`, body(await encrypt()), origin)).status).toBe(200);
      expect((await api.post(`${base}/sign?bulk=true`, body(await encrypt()), origin)).status).toBe(200);
      expect((await api.post(`${base}/sign?bulk=true`, body(), origin)).status).toBe(200);
      expect((await api.get('/v3/modules/beid/apps/token/reset-bulk-pin', origin)).status).toBe(200);
    });
    const after = searchProcessMemory(pid!, patterns());
    expect(after.bytes).toBeGreaterThan(1_000_000);
    expect(after.hits, `PIN forms in ${after.bytes} bytes of the connector's memory`).toEqual([]);
  }, 120_000);
});
