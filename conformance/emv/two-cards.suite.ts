import { afterAll, describe, expect, it } from 'vitest';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { isBeidProfile } from '../support/beid-expected.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';
import { expectedApplicationData, isEmvProfile } from './expected.js';

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

const emv = placedCards(target, isEmvProfile)[0];
const beid = placedCards(target, isBeidProfile)[0];

interface Body<T> {
  success: boolean;
  data: T;
}

describe(`emv-bancontact and a BeID in two readers at once [${target.backend}]`, () => {
  it.skipIf(!emv || !beid)('interleaved requests to both readers each get their own card (skipped: needs an EMV card and a BeID)', async () => {
    const emvData = `/v3/modules/emv/apps/payment/readers/${emv!.reader.id}/application-data`;
    const beidData = `/v3/modules/beid/apps/token/readers/${beid!.reader.id}/biometric`;
    const rounds = 4;
    const results = await Promise.all(
      Array.from({ length: rounds }, (_, i) => (i % 2 === 0 ? [api.get<Body<Record<string, string>>>(emvData), api.get<Body<Record<string, string>>>(beidData)] : [api.get<Body<Record<string, string>>>(beidData), api.get<Body<Record<string, string>>>(emvData)])).flat(),
    );
    const expectedEmv = expectedApplicationData(emv!.persona!);
    const nationalNumber = loadBeidPersona(beid!.persona!).identity.nationalNumber;
    for (const res of results) expect(res.status, res.text).toBe(200);
    const emvAnswers = results.filter((r) => 'pan' in r.body.data);
    const beidAnswers = results.filter((r) => 'nationalNumber' in r.body.data);
    expect(emvAnswers).toHaveLength(rounds);
    expect(beidAnswers).toHaveLength(rounds);
    for (const r of emvAnswers) expect(r.body.data).toEqual(expectedEmv);
    for (const r of beidAnswers) expect(r.body.data['nationalNumber']).toBe(nationalNumber);
  });

  it.skipIf(!emv || !beid)('each module refuses the other\'s card with its own code (skipped: needs an EMV card and a BeID)', async () => {
    const wrongModule = await api.get<{ code: number }>(`/v3/modules/emv/apps/payment/readers/${beid!.reader.id}/data`);
    expect(wrongModule.status).toBe(422);
    expect(wrongModule.body.code).toBe(611002);
    const other = await api.get<{ code: number }>(`/v3/modules/beid/apps/token/readers/${emv!.reader.id}/biometric`);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe(611002);
  });
});
