import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareRatios, readBaseline, writeBaseline, type Baseline } from './baseline.js';
import { stableJson } from './stable-json.js';

const baseline: Baseline = {
  note: 'test',
  tolerance: 0.2,
  ratios: { 'embedded.beid_bulk_sign.ceilingRatio': 0.8, 'embedded.readers.ceilingRatio': 0.5, 'embedded.scaling.latencyModel.2cards': 2, 'pcsc.beid_bulk_sign.ceilingRatio': 0.7 },
};

describe('baseline comparison', () => {
  it('flags a ratio below baseline × (1 − tolerance), and only that', () => {
    const c = compareRatios({ 'embedded.beid_bulk_sign.ceilingRatio': 0.63, 'embedded.readers.ceilingRatio': 0.41, 'embedded.scaling.latencyModel.2cards': 2.6 }, baseline, ['embedded']);
    const status = Object.fromEntries(c.entries.map((e) => [e.key, e.status]));
    expect(status).toEqual({ 'embedded.beid_bulk_sign.ceilingRatio': 'regressed', 'embedded.readers.ceilingRatio': 'ok', 'embedded.scaling.latencyModel.2cards': 'improved' });
    expect(c.regressions).toEqual(['embedded.beid_bulk_sign.ceilingRatio']);
    expect(c.entries.find((e) => e.key === 'embedded.beid_bulk_sign.ceilingRatio')?.change).toBe(-0.213);
  });

  it('counts a baseline path this run did not measure as a regression, a new one as new', () => {
    const c = compareRatios({ 'embedded.beid_bulk_sign.ceilingRatio': 0.8, 'embedded.pkcs11_sign_ec.ceilingRatio': 0.9 }, baseline, ['embedded']);
    expect(c.regressions).toEqual(['embedded.readers.ceilingRatio', 'embedded.scaling.latencyModel.2cards']);
    expect(c.entries.find((e) => e.key === 'embedded.pkcs11_sign_ec.ceilingRatio')?.status).toBe('new');
  });

  it('ignores the baseline keys of a backend that did not run', () => {
    expect(compareRatios({ 'embedded.beid_bulk_sign.ceilingRatio': 0.8, 'embedded.readers.ceilingRatio': 0.5, 'embedded.scaling.latencyModel.2cards': 2 }, baseline, ['embedded']).entries.some((e) => e.key.startsWith('pcsc.'))).toBe(false);
  });
});

describe('baseline file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps other backends when a run rewrites its own, and reads back what it wrote', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'load-baseline-'));
    const file = path.join(dir, 'baseline.json');
    writeBaseline(file, { 'pcsc.readers.ceilingRatio': 0.4, 'embedded.readers.ceilingRatio': 0.1 }, ['pcsc', 'embedded'], 0.25);
    writeBaseline(file, { 'embedded.readers.ceilingRatio': 0.6, 'embedded.x.ceilingRatio': Number.NaN }, ['embedded'], 0.25);
    const read = readBaseline(file);
    expect(read?.ratios).toEqual({ 'embedded.readers.ceilingRatio': 0.6, 'pcsc.readers.ceilingRatio': 0.4 });
    expect(readFileSync(file, 'utf8')).toBe(stableJson(read));
  });

  it('refuses a file that is not a baseline', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'load-baseline-'));
    const file = path.join(dir, 'baseline.json');
    writeBaseline(file, {}, [], 0.25);
    expect(readBaseline(path.join(dir, 'absent.json'))).toBeNull();
    rmSync(file);
    writeFileSync(file, '{"ratios":{"a":"x"},"tolerance":0.2}');
    expect(() => readBaseline(file)).toThrow(/not a number/);
  });
});

describe('stable JSON', () => {
  it('sorts keys at every level and writes non-finite numbers as null', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: Number.NaN } })).toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });
});
