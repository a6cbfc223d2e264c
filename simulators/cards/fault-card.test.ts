import { describe, expect, it } from 'vitest';
import { encodePinBlock, fromHex, toHex } from '../../connector/protocol/index.js';
import { loadBeidPersona } from '../../fixtures/personas/index.js';
import { createBeidCard } from './beid/index.js';
import { FaultCard } from './fault-card.js';
import { IsoEchoCard } from './iso-echo/index.js';
import { parseCardFault } from '../lab/faults.js';

const CHALLENGE = fromHex('0084000008');

function tracked(p: Promise<Uint8Array>): { readonly answered: () => boolean } {
  let done = false;
  void p.then(() => (done = true));
  return { answered: () => done };
}

describe('FaultCard', () => {
  it('passes answers through until a fault is set', async () => {
    const card = new FaultCard(new IsoEchoCard(), () => undefined);
    const honest = toHex(await new IsoEchoCard().transmit(fromHex('00A4000C02 3F00')));
    expect(toHex(await card.transmit(fromHex('00A4000C02 3F00')))).toBe(honest);
    expect(card.faults.apdus).toBe(1);
  });

  it('removes the card when the Nth APDU from now arrives, leaving that one unanswered', async () => {
    let removed = 0;
    const card = new FaultCard(new IsoEchoCard(), () => (removed += 1));
    card.apply({ kind: 'remove', afterApdus: 2 });
    expect((await card.transmit(CHALLENGE)).length).toBe(10);
    expect(removed).toBe(0);
    const second = tracked(card.transmit(CHALLENGE));
    expect(removed).toBe(1);
    expect((await card.transmit(CHALLENGE)).length).toBe(10);
    expect(second.answered()).toBe(false);
  });

  it('removes the card when an APDU with the given instruction arrives', async () => {
    let removed = 0;
    const card = new FaultCard(new IsoEchoCard(), () => (removed += 1));
    card.apply({ kind: 'remove', atIns: 0x2a });
    expect((await card.transmit(CHALLENGE)).length).toBe(10);
    const pso = tracked(card.transmit(fromHex('002A9E9A0401020304')));
    expect(removed).toBe(1);
    expect(card.faults.removeAtIns).toBeNull();
    await card.transmit(CHALLENGE);
    expect(pso.answered()).toBe(false);
  });

  it('drops and corrupts exactly the next N answers', async () => {
    const card = new FaultCard(new IsoEchoCard(), () => undefined);
    card.apply({ kind: 'drop', count: 1 });
    const dropped = tracked(card.transmit(CHALLENGE));
    expect((await card.transmit(CHALLENGE)).length).toBe(10);
    expect(dropped.answered()).toBe(false);
    card.apply({ kind: 'corrupt', count: 2 });
    const status = fromHex('00A4000C02 3F00');
    const honest = toHex(await new IsoEchoCard().transmit(status));
    expect(toHex(await card.transmit(status))).not.toBe(honest);
    expect(toHex(await card.transmit(status))).not.toBe(honest);
    expect(toHex(await card.transmit(status))).toBe(honest);
  });

  it('loses its security state on power-off and answers nothing until powered on', async () => {
    const beid = createBeidCard('beid-1.7', 'be-nl-adult');
    const card = new FaultCard(beid, () => undefined);
    const pin = encodePinBlock(Buffer.from(loadBeidPersona('be-nl-adult').pin, 'ascii'));
    const verified = await card.transmit(Uint8Array.from([...fromHex('0020000108'), ...pin]));
    expect(toHex(verified)).toBe('9000');
    expect(toHex(await card.transmit(fromHex('0020000100')))).toBe('9000');
    card.apply({ kind: 'power-off' });
    const mute = tracked(card.transmit(fromHex('0020000100')));
    expect(card.faults.poweredOff).toBe(true);
    card.powerOn();
    expect(toHex(await card.transmit(fromHex('0020000100')))).toBe('63C3');
    expect(mute.answered()).toBe(false);
  });

  it('holds each answer for the time of its latency model', async () => {
    const card = new FaultCard(new IsoEchoCard(), () => undefined);
    card.apply({ kind: 'latency', model: 'fixed', apduMs: 40 });
    const started = performance.now();
    await card.transmit(CHALLENGE);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    card.apply({ kind: 'clear' });
    expect(card.faults.latency).toBeNull();
  });

  it('turns hostile on demand and honest again with clear', async () => {
    const card = new FaultCard(new IsoEchoCard(), () => undefined);
    card.apply({ kind: 'hostile', mode: 'wrong-le-ping-pong', seed: 1 });
    expect((await card.transmit(CHALLENGE))[0]).toBe(0x6c);
    card.apply({ kind: 'clear' });
    expect(card.faults.hostile).toBe('off');
    expect((await card.transmit(CHALLENGE)).length).toBe(10);
  });

  it('checks faults from the control socket and the CLI with a lab error', () => {
    expect(parseCardFault({ kind: 'remove', afterApdus: 3 })).toEqual({ kind: 'remove', afterApdus: 3 });
    expect(parseCardFault({ kind: 'latency', model: 'real' })).toEqual({ kind: 'latency', model: 'real' });
    for (const bad of [null, {}, { kind: 'melt' }, { kind: 'drop', count: 0 }, { kind: 'latency' }, { kind: 'latency', model: 'fixed', signMs: -1 }, { kind: 'remove', afterApdus: 1.5 }]) {
      expect(() => parseCardFault(bad)).toThrow(expect.objectContaining({ code: 'ERR_LAB_FAULT_INVALID' }));
    }
  });
});
