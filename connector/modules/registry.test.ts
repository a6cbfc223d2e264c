import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fcParams } from '../protocol/fc-params.js';
import { fromHex } from '../protocol/index.js';
import { BEID_ATRS } from './beid/atr.js';
import { EMV_ATRS } from './emv/atr.js';
import { ATR_REGISTRY, ATR_TABLES, AtrRegistry, type AtrEntry } from './registry.js';

const entry = (over: Partial<AtrEntry>): AtrEntry => ({ atr: '3B00', module: 'x', description: 'X', ...over });

describe('ATR registry', () => {
  it('resolves every exact ATR of every family to its module and variant', () => {
    for (const e of ATR_TABLES.flat().filter((row) => row.mask === undefined)) {
      expect(ATR_REGISTRY.resolve(fromHex(e.atr)), e.atr).toMatchObject({ module: e.module, variant: e.variant });
    }
  });

  it('resolves any ATR a masked row admits to the row\'s module, whatever the free bits hold', () => {
    for (const row of ATR_TABLES.flat().filter((r) => r.mask !== undefined)) {
      const pattern = fromHex(row.atr);
      const mask = fromHex(row.mask!);
      fc.assert(
        fc.property(fc.uint8Array({ minLength: pattern.length, maxLength: pattern.length }), (noise) => {
          const atr = pattern.map((b, i) => b | (noise[i]! & ~mask[i]!));
          expect(ATR_REGISTRY.resolve(atr)?.module).toBe(row.module);
        }),
        fcParams(100),
      );
    }
  });

  it('prefers an exact row over a mask that also matches', () => {
    const v18 = BEID_ATRS.find((e) => e.variant === '1.8')!;
    const reg = new AtrRegistry([[{ ...v18, atr: v18.atr, mask: 'F'.repeat(v18.atr.length), module: 'masked' }], [v18]]);
    expect(reg.resolve(fromHex(v18.atr))?.module).toBe('beid');
  });

  it('checks lengths: an ATR one byte longer or shorter than a masked pattern does not match', () => {
    const emv = fromHex(EMV_ATRS[0]!.atr);
    expect(ATR_REGISTRY.resolve(emv)?.module).toBe('emv');
    expect(ATR_REGISTRY.resolve(Buffer.concat([emv, Buffer.from([0x00])]))).toBeUndefined();
    expect(ATR_REGISTRY.resolve(emv.subarray(0, emv.length - 1))).toBeUndefined();
  });

  it('answers undefined for an unknown card', () => {
    expect(ATR_REGISTRY.resolve(fromHex('3B067431636C6162'))).toBeUndefined();
    expect(ATR_REGISTRY.resolve(Buffer.alloc(0))).toBeUndefined();
  });

  it.each([
    ['lower-case hex', [entry({ atr: '3b00' })]],
    ['odd hex', [entry({ atr: '3B0' })]],
    ['too short', [entry({ atr: '3B' })]],
    ['mask of another length', [entry({ atr: '3B00', mask: 'FF' })]],
    ['pattern bits outside the mask', [entry({ atr: '3B01', mask: 'FFF0' })]],
    ['a duplicate row', [entry({}), entry({})]],
    ['a module name that is no URL segment', [entry({ module: 'Be ID' })]],
  ])('refuses a table with %s at load', (_what, table) => {
    expect(() => new AtrRegistry([table])).toThrow();
  });
});

describe('card profiles (fixtures/cards) against the ATR registry', () => {
  const dir = new URL('../../fixtures/cards/', import.meta.url);
  const profiles = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { id: string; module: string | null; atrs: Array<{ atr: string }> });

  it('finds at least one profile', () => {
    expect(profiles.length).toBeGreaterThan(0);
  });

  it.each(profiles.map((p) => [p.id, p] as const))('%s: every ATR maps to the profile\'s module', (_id, profile) => {
    for (const { atr } of profile.atrs) {
      expect(ATR_REGISTRY.resolve(fromHex(atr))?.module, atr).toBe(profile.module ?? undefined);
    }
  });
});
