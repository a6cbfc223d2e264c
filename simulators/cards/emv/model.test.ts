import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams } from '../../../connector/protocol/fc-params.js';
import { EMV_CRYPTOGRAM, EMV_TAG, SW, toHex, verifyFailed } from '../../../connector/protocol/index.js';
import { loadEmvPersona } from '../../../fixtures/personas/index.js';
import { EMV_AID } from './applications.js';
import { createEmvCard, type EmvCard } from './card.js';
import { EmvTestDriver } from './test-driver.js';
import { EMV_PIN_TRY_LIMIT } from './verify.js';

const persona = loadEmvPersona('emv-debit-1');
const WRONG = persona.pin === '0000' ? '1111' : '0000';

/** The model: what the card must remember and what a transaction allows. */
interface Model {
  tries: number;
  atc: number;
  phase: 'none' | 'selected' | 'initiated' | 'online' | 'done';
}

interface Real {
  readonly card: EmvCard;
  readonly driver: EmvTestDriver;
}

type Cmd = fc.AsyncCommand<Model, Real>;

const select = (): Cmd => ({
  check: () => true,
  async run(m, r) {
    expect((await r.driver.select(EMV_AID.MAESTRO)).sw).toBe(SW.OK);
    m.phase = 'selected';
  },
  toString: () => 'SELECT Maestro',
});

const gpo = (): Cmd => ({
  check: () => true,
  async run(m, r) {
    const res = await r.driver.gpo();
    if (m.phase !== 'selected') return expect(res.sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(res.sw).toBe(SW.OK);
    m.atc += 1;
    m.phase = 'initiated';
  },
  toString: () => 'GPO',
});

const verify = (right: boolean): Cmd => ({
  check: () => true,
  async run(m, r) {
    const res = await r.driver.verify(right ? persona.pin : WRONG);
    if (m.phase === 'none' || m.phase === 'selected') return expect(res.sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    if (m.tries === 0) return expect(res.sw).toBe(SW.AUTH_METHOD_BLOCKED);
    if (right) {
      m.tries = EMV_PIN_TRY_LIMIT;
      return expect(res.sw).toBe(SW.OK);
    }
    m.tries -= 1;
    expect(res.sw).toBe(verifyFailed(m.tries));
  },
  toString: () => `VERIFY ${right ? 'right' : 'wrong'}`,
});

const generateAc = (): Cmd => ({
  check: () => true,
  async run(m, r) {
    const data = Buffer.alloc(m.phase === 'online' ? 31 : 29);
    const res = await r.driver.generateAc(m.phase === 'online' ? EMV_CRYPTOGRAM.AAC : EMV_CRYPTOGRAM.ARQC, data);
    if (m.phase !== 'initiated' && m.phase !== 'online') return expect(res.sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    expect(res.sw).toBe(SW.OK);
    m.phase = m.phase === 'initiated' ? 'online' : 'done';
  },
  toString: () => 'GENERATE AC',
});

const reset = (): Cmd => ({
  check: () => true,
  async run(m, r) {
    r.card.reset();
    m.phase = 'none';
  },
  toString: () => 'reset',
});

const counters = (): Cmd => ({
  check: (m) => m.phase !== 'none',
  async run(m, r) {
    expect(toHex((await r.driver.getData(EMV_TAG.PIN_TRY_COUNTER)).data)).toBe(`9F1701${m.tries.toString(16).padStart(2, '0').toUpperCase()}`);
    expect(toHex((await r.driver.getData(EMV_TAG.ATC)).data)).toBe(`9F3602${m.atc.toString(16).padStart(4, '0').toUpperCase()}`);
  },
  toString: () => 'GET DATA 9F17, 9F36',
});

describe('EMV card against a model (fc.commands)', () => {
  it('keeps the PIN try counter, blocking, the ATC and the transaction phases in step with the model', async () => {
    const commands = fc.commands([fc.constant(select()), fc.constant(gpo()), fc.boolean().map(verify), fc.constant(generateAc()), fc.constant(reset()), fc.constant(counters())], { maxCommands: 40 });
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const card = createEmvCard();
        await fc.asyncModelRun(() => ({ model: { tries: EMV_PIN_TRY_LIMIT, atc: card.atc, phase: 'none' as Model['phase'] }, real: { card, driver: new EmvTestDriver(card) } }), cmds);
      }),
      fcParams(100),
    );
  });
});
