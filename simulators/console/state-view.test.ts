import { describe, expect, it } from 'vitest';
import type { LabState } from '../lab/state.js';
import { consoleView, faultWords } from './state-view.js';

const state: LabState = {
  version: 1,
  backend: 'embedded',
  readers: [
    { index: 0, name: 'R0', id: 'r-0', port: 40001, card: { profile: 'beid-1.7', persona: 'be-de-adult', atr: '3B98', pin: '24681357' } },
    { index: 1, name: 'R1', port: 40002, plugged: false, card: null },
  ],
  connector: { url: 'https://127.0.0.1:4000', caCert: '/lab/connector/ca.pem', port: 4000 },
  ds: { url: 'http://127.0.0.1:4001', apiKey: 'the-api-key' },
  cors: { allowedOrigins: ['https://app.t1c-lab.test'] },
  tokens: [{ label: 'lab-rsa', pin: '97531', module: '/usr/lib/softhsm/libsofthsm2.so', id: 't-1' }],
  console: { url: `http://127.0.0.1:4002/?secret=${'S'.repeat(43)}` },
  lab: { supervisorPid: 42, cardHost: '127.0.0.1', quickack: false, warnings: ['slow'] },
};

describe('the state as the console serves it', () => {
  it('leaves out every secret the state file holds: PINs, the API key, the console secret', () => {
    const view = consoleView(state, () => null);
    const text = JSON.stringify(view);
    for (const secret of ['24681357', '97531', 'the-api-key', 'S'.repeat(43), 'caCert']) expect(text).not.toContain(secret);
    expect(view.readers[0]).toEqual({ index: 0, name: 'R0', id: 'r-0', port: 40001, card: { profile: 'beid-1.7', persona: 'be-de-adult', atr: '3B98', hasPin: true }, faults: [] });
    expect(view.readers[1]).toMatchObject({ plugged: false, card: null });
    expect(view.tokens).toEqual([{ label: 'lab-rsa', module: '/usr/lib/softhsm/libsofthsm2.so', id: 't-1' }]);
  });

  it('says which faults wait on a card, in the words of lab fault', () => {
    const faults = { latency: { signMs: 150, apduMs: 0 }, removeInApdus: null, removeAtIns: 0x2a, dropping: 2, corrupting: 0, poweredOff: true, hostile: 'garbage-data', apdus: 9 } as const;
    expect(faultWords(faults)).toEqual(['latency 150 ms sign, 0 ms per APDU', 'remove at INS 2A', 'drop 2', 'powered off', 'hostile garbage-data']);
    expect(consoleView(state, (r) => (r === 0 ? faults : null)).readers[0]!.faults).toHaveLength(5);
  });
});
