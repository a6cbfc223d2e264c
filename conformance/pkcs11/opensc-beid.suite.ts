import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { freeReader, withFreshCard, type ErrorBody } from '../support/fresh-card.js';
import type { ConnectorClient } from '../support/http.js';
import { connectorClient, conformanceTarget } from '../support/target.js';

/**
 * Two independent paths to one simulated Belgian eID: OpenSC's PKCS#11 library (its belpic driver, loaded by the
 * connector's pkcs11 module through the configuration API) and the connector's own beid module. OpenSC reaches
 * the card through pcscd, so this runs on the pcsc backend. It also covers what SoftHSM cannot: a PIN try
 * counter, and CKR_PIN_LOCKED.
 */
const OPENSC_PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
/** A persona no other lab card has: OpenSC's token for it is told apart by its certificates. */
const PERSONA = { profile: 'beid-1.7', persona: 'be-de-adult' };
const PIN = loadBeidPersona(PERSONA.persona).pin;
const WRONG_PIN = PIN.replace(/./g, (d) => String((Number(d) + 1) % 10));
const PIN_WRONG = 608001;
const PIN_BLOCKED = 608002;

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());
const origin = { origin: target.allowedOrigin };
const CONFIG = '/v3/modules/pkcs11/apps/token/config';
const runs = target.backend === 'pcsc' && freeReader(target) !== null && (existsSync(OPENSC_PKCS11) || process.env['T1C_LAB_STRICT'] === '1');

interface Reader {
  id: string;
  name: string;
  card?: { modules: string[] };
}
interface CertList {
  authenticationCertificate?: { certificates: { certificate: string }[] };
  nonRepudiationCertificate?: { certificates: { certificate: string }[] };
}

const certificates = (list: CertList, name: keyof CertList): string | undefined => list[name]?.certificates[0]?.certificate;

/**
 * The PKCS#11 token OpenSC makes of the fresh card: of the BELPIC tokens the connector lists (every BeID in the lab
 * becomes one), the one whose authentication certificate is this card's — found once the connector's slot polling
 * lists it. Returns it with its certificate list.
 */
async function openscToken(client: ConnectorClient, authentication: string): Promise<{ token: Reader; list: CertList }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await client.get<{ data: Reader[] }>('/v3/readers', origin);
    const seen: string[] = [];
    for (const token of res.body.data.filter((r) => r.card?.modules.includes('pkcs11') && /belpic/i.test(r.name))) {
      const list = await client.get<{ data: CertList }>(`/v3/modules/pkcs11/apps/token/readers/${token.id}/cert-list`, origin);
      seen.push(`${token.name}: ${list.status}`);
      if (list.status === 200 && certificates(list.body.data, 'authenticationCertificate') === authentication) return { token, list: list.body.data };
    }
    if (Date.now() > deadline) throw new Error(`no BELPIC token with this card's certificate; listed: ${seen.join(', ') || res.body.data.map((r) => r.name).join(', ')}`);
    await delay(50); // the connector reads the slot list about once a second; it offers no event to wait on
  }
}

describe.runIf(runs)(`pkcs11 through OpenSC against the simulated BeID [${target.backend}]`, () => {
  it('OpenSC\'s certificates equal the beid module\'s byte for byte; wrong PINs count down to CKR_PIN_LOCKED, which both paths report as blocked', async () => {
    const before = await api.get<{ data: Record<string, string> }>(CONFIG, origin);
    expect(before.status).toBe(200);
    await withFreshCard(target, PERSONA, async (beidReader) => {
      // The beid module first: the connector's PC/SC sessions take the card exclusively, which an application
      // holding it (OpenSC keeps its cards connected) would refuse — the two paths take turns, as two applications must.
      const viaBeid = await api.get<{ data: CertList }>(`/v3/modules/beid/apps/token/readers/${beidReader}/cert-list`, origin);
      expect(viaBeid.status, viaBeid.text).toBe(200);
      const set = await api.post(CONFIG, { linux: OPENSC_PKCS11 }, origin);
      expect(set.status, set.text).toBe(200);
      try {
        const { token, list: viaOpenSc } = await openscToken(api, certificates(viaBeid.body.data, 'authenticationCertificate')!);
        for (const name of ['authenticationCertificate', 'nonRepudiationCertificate'] as const) {
          expect(certificates(viaOpenSc, name), name).toBeDefined();
          expect(certificates(viaOpenSc, name), name).toBe(certificates(viaBeid.body.data, name));
        }

        // The BeID allows 3 tries (cards.md §1.7). PKCS#11 reports flags, not a count: wrong, wrong (final try), then locked.
        const codes: number[] = [];
        for (let attempt = 0; attempt < 4 && codes.at(-1) !== PIN_BLOCKED; attempt++) {
          const res = await api.post<ErrorBody>(`/v3/modules/pkcs11/apps/token/readers/${token.id}/verify-pin`, { pin: WRONG_PIN }, origin);
          expect(res.status, res.text).toBe(412);
          codes.push(res.body.code);
        }
        expect(codes.slice(0, 2)).toEqual([PIN_WRONG, PIN_WRONG]);
        expect(codes.at(-1)).toBe(PIN_BLOCKED);
        const right = await api.post<ErrorBody>(`/v3/modules/pkcs11/apps/token/readers/${token.id}/verify-pin`, { pin: PIN }, origin);
        expect(right.body.code, 'the right PIN no longer helps').toBe(PIN_BLOCKED);
      } finally {
        const reset = await api.request(`${CONFIG}/reset`, { method: 'PATCH', ...origin });
        expect(reset.status, reset.text).toBe(200);
      }
      const beid = await api.post<ErrorBody>(`/v3/modules/beid/apps/token/readers/${beidReader}/verify-pin`, { pin: PIN }, origin);
      expect(beid.status, beid.text).toBe(412);
      expect(beid.body.code, 'the beid module sees the PIN OpenSC blocked').toBe(PIN_BLOCKED);
    });
    const after = await api.get<{ data: Record<string, string> }>(CONFIG, origin);
    expect(after.body.data).toEqual(before.body.data);
  });
});
