import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labFiles } from './paths.js';
import { readState, validateState, writeState, type LabState } from './state.js';

const pcscState: LabState = {
  version: 1,
  backend: 'pcsc',
  readers: [
    { index: 0, name: 'Virtual PCD 00 00', port: 35963, card: { profile: 'iso-echo', persona: null, atr: '3B067431636C6162', pin: null } },
    { index: 1, name: 'Virtual PCD 00 01', port: 35964, card: null },
  ],
  lab: { supervisorPid: 4242, cardHost: '127.0.0.2', quickack: true, warnings: [] },
};

const fullState: LabState = {
  version: 1,
  backend: 'embedded',
  readers: [{ index: 0, name: 'Embedded 0', id: 'r-1', port: 40001, card: { profile: 'beid-1.8', persona: 'be-nl-adult', atr: '3B7F96000080318065B0850300EF120FFE829000', pin: '1234' } }],
  connector: { url: 'https://127.0.0.1:51983', caCert: '/x/.lab/connector/ca.pem', port: 51983 },
  ds: { url: 'http://127.0.0.1:40100', apiKey: 'lab-key' },
  cors: { allowedOrigins: ['https://app.example'] },
  tokens: [{ label: 'lab-rsa', pin: '1234', module: '/usr/lib/softhsm/libsofthsm2.so' }],
  console: { url: `http://127.0.0.1:40200/?secret=${'A'.repeat(43)}`, demoUrl: `http://127.0.0.1:40201/?secret=${'A'.repeat(43)}` },
};

function variant(patch: (s: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(pcscState) as unknown as Record<string, unknown>;
  patch(copy);
  return copy;
}

const firstReader = (s: Record<string, unknown>): Record<string, unknown> => (s['readers'] as Record<string, unknown>[])[0]!;
const firstCard = (s: Record<string, unknown>): Record<string, unknown> => firstReader(s)['card'] as Record<string, unknown>;

describe('lab state schema', () => {
  it('accepts the contract shape, minimal and with every optional part', () => {
    expect(validateState(pcscState)).toBe(pcscState);
    expect(validateState(fullState)).toBe(fullState);
    expect(validateState({ version: 1, backend: 'pcsc', readers: [] })).toBeTruthy();
  });

  it.each([
    ['a version other than 1', variant((s) => (s['version'] = 2)), /version/],
    ['an unknown backend', variant((s) => (s['backend'] = 'usb')), /backend/],
    ['an unknown top-level field', variant((s) => (s['extra'] = true)), /additional/],
    ['a reader without card field', variant((s) => delete firstReader(s)['card']), /card/],
    ['a lower-case ATR', variant((s) => (firstCard(s)['atr'] = '3b067431636c6162')), /atr/],
    ['an ATR with separators', variant((s) => (firstCard(s)['atr'] = '3B 06 74')), /atr/],
    ['a card without pin field', variant((s) => delete firstCard(s)['pin']), /pin/],
    ['a non-numeric PIN', variant((s) => (firstCard(s)['pin'] = 'abcd')), /pin/],
    ['a connector URL on another host', { ...fullState, connector: { url: 'https://t1c.t1t.io:51983', caCert: 'x', port: 51983 } }, /url/],
    ['a console off loopback', { ...fullState, console: { url: `http://0.0.0.0:40200/?secret=${'A'.repeat(43)}` } }, /console\/url/],
    ['a console URL without its secret', { ...fullState, console: { url: 'http://127.0.0.1:40200/' } }, /console\/url/],
    ['a console without its URL', { ...fullState, console: { demoUrl: `http://127.0.0.1:40201/?secret=${'A'.repeat(43)}` } }, /console/],
  ])('rejects %s', (_name, data, problem) => {
    expect(() => validateState(data)).toThrow(problem);
  });
});

describe('state file', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips through .lab/state.json, readable by its owner only', () => {
    dir = mkdtempSync(path.join(tmpdir(), 't1c-lab-state-'));
    const files = labFiles(dir);
    expect(readState(files)).toBeNull();
    writeState(files, fullState);
    expect(readState(files)).toEqual(fullState);
    expect(statSync(files.state).mode & 0o077).toBe(0);
  });

  it('never writes an invalid state', () => {
    dir = mkdtempSync(path.join(tmpdir(), 't1c-lab-state-'));
    const files = labFiles(dir);
    expect(() => writeState(files, { ...pcscState, backend: 'usb' } as unknown as LabState)).toThrow(/backend/);
    expect(readState(files)).toBeNull();
  });
});
