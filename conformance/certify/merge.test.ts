import { describe, expect, it } from 'vitest';
import { mergeShardRecords, shardCards } from './merge.js';
import type { TestRecord } from './results.js';

const rec = (card: string, name: string, outcome: TestRecord['outcome']): TestRecord => ({ backend: 'pcsc', card, suite: 'core', name, outcome });

describe('certify --parallel: shards and their merged records', () => {
  it('deals card types round-robin, never more shards than cards', () => {
    const cards = ['a', 'b', 'c'].map((profile) => ({ profile, persona: null }));
    expect(shardCards(cards, 2).map((s) => s.map((c) => c.profile))).toEqual([['a', 'c'], ['b']]);
    expect(shardCards(cards, 5)).toHaveLength(3);
    expect(shardCards([], 3)).toEqual([[]]);
  });

  it('counts a test every shard ran once, a failure in any shard wins, then a pass over a skip', () => {
    const shard0 = [rec('connector', 'info', 'passed'), rec('beid-1.7', 'sign', 'passed'), rec('iso-echo', 'echo', 'skipped'), rec('connector', 'cors', 'passed')];
    const shard1 = [rec('connector', 'info', 'passed'), rec('beid-1.7', 'sign', 'skipped'), rec('iso-echo', 'echo', 'passed'), rec('connector', 'cors', 'failed')];
    expect(mergeShardRecords([shard0, shard1]).map((r) => [r.card, r.name, r.outcome])).toEqual([
      ['connector', 'info', 'passed'],
      ['beid-1.7', 'sign', 'passed'],
      ['iso-echo', 'echo', 'passed'],
      ['connector', 'cors', 'failed'],
    ]);
  });

  it('drops a suite file that found no tests in one shard when another shard ran it, and keeps it otherwise', () => {
    const empty: TestRecord = { ...rec('connector', 'emv (suite did not load)', 'failed'), suite: 'emv', message: 'No test suite found in file /repo/conformance/emv/data.suite.ts' };
    const ran: TestRecord = { ...rec('emv-bancontact', 'reads the PAN', 'passed'), suite: 'emv' };
    expect(mergeShardRecords([[empty], [ran]])).toEqual([ran]);
    expect(mergeShardRecords([[empty], []])).toEqual([empty]);
    const broken: TestRecord = { ...empty, message: 'SyntaxError: Unexpected token' };
    expect(mergeShardRecords([[broken], [ran]])).toEqual([broken, ran]);
  });

  it('counts the same test in two browsers twice: the browser is part of what a test is', () => {
    const chromium = { ...rec('beid-1.7', 'sign', 'passed'), suite: 'sdk', browser: 'chromium' };
    const firefox = { ...rec('beid-1.7', 'sign', 'failed'), suite: 'sdk', browser: 'firefox' };
    expect(mergeShardRecords([[chromium, firefox], [{ ...chromium }]])).toEqual([chromium, firefox]);
  });

  it('keeps a shard-only test and repeated records of one shard as they are', () => {
    const shard0 = [rec('beid-1.8', 'x', 'passed'), rec('beid-1.8', 'x', 'passed')];
    expect(mergeShardRecords([shard0, []])).toHaveLength(2);
  });
});
