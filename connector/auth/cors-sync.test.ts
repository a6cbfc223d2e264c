import { describe, expect, it } from 'vitest';
import { SyncedOriginList, dsOriginSource } from './cors-sync.js';

describe('SyncedOriginList', () => {
  it('is the configured origins without a DS', async () => {
    const list = new SyncedOriginList(['https://a.example']);
    await list.sync();
    expect(list.has('https://a.example')).toBe(true);
    expect(list.list()).toEqual(['https://a.example']);
    expect(list.synced).toBe(false);
  });

  it('adds the DS origins on sync, replaces them on the next, keeps them when the DS fails', async () => {
    let answer: string[] | Error = ['https://b.example'];
    const warnings: string[] = [];
    const list = new SyncedOriginList(['https://a.example'], {
      source: async () => {
        if (answer instanceof Error) throw answer;
        return answer;
      },
      onWarning: (m) => warnings.push(m),
    });
    expect(list.has('https://b.example')).toBe(false);
    await list.sync();
    expect(list.list()).toEqual(['https://a.example', 'https://b.example']);
    answer = ['https://c.example'];
    await list.sync();
    expect(list.has('https://b.example')).toBe(false);
    expect(list.has('https://c.example')).toBe(true);
    answer = new Error('DS down');
    await list.sync();
    expect(list.has('https://c.example')).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('asks the DS at most once per interval, sharing a request in flight', async () => {
    let t = 0;
    let calls = 0;
    const list = new SyncedOriginList([], { source: async () => (calls++, []), minSyncIntervalMs: 1000, now: () => t });
    await Promise.all([list.sync(), list.sync(), list.sync()]);
    t = 500;
    await list.sync();
    t = 1000;
    await list.sync();
    expect(calls).toBe(2);
  });
});

describe('dsOriginSource', () => {
  it('sends the connector credential as a Bearer token and keeps exact origins only', async () => {
    const seen: Array<{ url: string; headers: unknown }> = [];
    const source = dsOriginSource(
      async (url, options) => {
        seen.push({ url, headers: options?.headers });
        return { success: true, data: { allowedOrigins: ['https://ok.example', 'https://ok.example/', '*', 'null', 'https://UP.example', 'ftp://x.example', 'https://dot.example.', 7] } };
      },
      'https://ds.example/base/',
      'connector-credential-123',
    );
    expect(await source()).toEqual(['https://ok.example']);
    expect(seen).toEqual([{ url: 'https://ds.example/base/v3/connectors/cors', headers: { authorization: 'Bearer connector-credential-123' } }]);
  });

  it('throws on an answer without the list', async () => {
    await expect(dsOriginSource(async () => ({ success: true, data: {} }), 'https://ds.example', 'c'.repeat(16))()).rejects.toThrow(/allowedOrigins/);
  });
});
