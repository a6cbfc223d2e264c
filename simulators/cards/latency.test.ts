import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLA_ISO, INS, SW, command, decodeResponse, encodeCommand, encodePinBlock, fromHex } from '../../connector/protocol/index.js';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { BEID_KEY, BEID_PIN_REFERENCE, PSO_CDS_P1P2 } from './beid/apdu.js';
import { createBeidCard } from './beid/card.js';
import { isRedactingCard } from './card.js';
import { IsoEchoCard } from './iso-echo/index.js';
import { delayFor, latencyFor, withLatency } from './latency.js';

const PERSONA = 'be-nl-adult';
const pso = (dtbs: Uint8Array): Buffer => encodeCommand(command(CLA_ISO, INS.PERFORM_SECURITY_OPERATION, PSO_CDS_P1P2 >> 8, PSO_CDS_P1P2 & 0xff, dtbs));
const verify = (): Buffer => encodeCommand(command(CLA_ISO, INS.VERIFY, 0x00, BEID_PIN_REFERENCE, encodePinBlock(Buffer.from(loadBeidPersona(PERSONA).pin, 'ascii'))));
/** MSE SET: PKCS#1 (01) with the non-repudiation key. */
const mse = (): Buffer => encodeCommand(command(CLA_ISO, INS.MANAGE_SECURITY_ENVIRONMENT, 0x41, 0xb6, Uint8Array.from([0x04, 0x80, 0x01, 0x84, BEID_KEY.NON_REPUDIATION])));
/** A SHA-256 DigestInfo, the bytes PKCS#1 signing takes. */
const DIGEST_INFO = Buffer.concat([fromHex('3031300D060960864801650304020105000420'), Buffer.alloc(32, 7)]);

afterEach(() => {
  vi.useRealTimers();
});

describe('latencyFor', () => {
  it('takes the profile figure, an override, or the RSA default', () => {
    expect(latencyFor('beid-1.7').signMs).toBe(150);
    expect(latencyFor('beid-1.8').signMs).toBe(95);
    expect(latencyFor('some-card').signMs).toBe(150);
    expect(latencyFor('beid-1.7', { signMs: 60, apduMs: 2 })).toEqual({ signMs: 60, apduMs: 2 });
  });

  it('refuses negative or non-numeric times', () => {
    expect(() => latencyFor('beid-1.7', { signMs: -1 })).toThrow(RangeError);
    expect(() => latencyFor('beid-1.7', { apduMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('delayFor', () => {
  const model = { signMs: 150, apduMs: 3 };
  it('holds PSO: COMPUTE DIGITAL SIGNATURE for signMs and other APDUs for apduMs', () => {
    expect(delayFor(pso(DIGEST_INFO), model)).toBe(150);
    expect(delayFor(verify(), model)).toBe(3);
    expect(delayFor(Uint8Array.from([0x00, 0x2a, 0x80, 0x86, 0x00]), model)).toBe(3); // PSO: DECIPHER is not a signature
    expect(delayFor(Uint8Array.from([0x00]), model)).toBe(3);
  });
});

describe('withLatency', () => {
  it('answers PSO:CDS only after the sign time, with the inner card answer', async () => {
    vi.useFakeTimers();
    const card = withLatency(createBeidCard('beid-1.7', PERSONA), { signMs: 150 });
    card.powerOn();
    expect(decodeResponse(await card.transmit(mse())).sw).toBe(SW.OK);
    expect(decodeResponse(await card.transmit(verify())).sw).toBe(SW.OK); // no delay: resolves without timers
    let answered = false;
    const pending = Promise.resolve(card.transmit(pso(DIGEST_INFO))).then((answer) => {
      answered = true;
      return answer;
    });
    await vi.advanceTimersByTimeAsync(149);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe(true);
    const sw = decodeResponse(await pending).sw;
    expect(sw === SW.OK || sw >> 8 === 0x61).toBe(true);
  });

  it('keeps the card redacting its secrets, and adds no redaction a card lacks', () => {
    const beid = withLatency(createBeidCard('beid-1.7', PERSONA), latencyFor('beid-1.7'));
    expect(isRedactingCard(beid)).toBe(true);
    if (!isRedactingCard(beid)) return;
    expect(Buffer.from(beid.redactCommand(verify())).includes(Buffer.from(encodePinBlock(Buffer.from(loadBeidPersona(PERSONA).pin, 'ascii'))))).toBe(false);
    expect(isRedactingCard(withLatency(new IsoEchoCard(), latencyFor('iso-echo')))).toBe(isRedactingCard(new IsoEchoCard()));
  });

  it('passes the ATR and profile through', () => {
    const inner = createBeidCard('beid-1.7', PERSONA);
    const card = withLatency(inner, latencyFor('beid-1.7'));
    expect(Buffer.from(card.atr)).toEqual(Buffer.from(inner.atr));
    expect(card.profile).toBe(inner.profile);
  });
});
