import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RotatingLogFile, rotatedNames } from './log-file.js';
import { call, testApp } from './test-support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-log-rotation-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('RotatingLogFile', () => {
  it('rotates before a line would pass maxBytes, keeps N files, newest first, all owner-only', async () => {
    const file = join(dir, 'unit', 'connector.log');
    const log = new RotatingLogFile(file, { maxBytes: 100, keep: 2 });
    for (let i = 0; i < 10; i++) log.write(`${JSON.stringify({ n: i, pad: 'x'.repeat(30) })}\n`); // 48 bytes each: two per file
    log.end();
    expect(log.write('after end\n')).toBe(false);
    const [current, first, second] = rotatedNames(file, 2);
    expect(existsSync(`${file}.3`)).toBe(false);
    const contents = await Promise.all([current!, first!, second!].map((f) => readFile(f, 'utf8')));
    expect(contents.map((c) => c.trim().split('\n').map((l) => (JSON.parse(l) as { n: number }).n))).toEqual([
      [8, 9],
      [6, 7],
      [4, 5],
    ]);
    for (const f of [current!, first!, second!]) {
      expect((await stat(f)).size).toBeLessThanOrEqual(100);
      expect((await stat(f)).mode & 0o777).toBe(0o600);
    }
  });

  it('appends to an existing file and counts its size', async () => {
    const file = join(dir, 'append.log');
    const a = new RotatingLogFile(file, { maxBytes: 20, keep: 1 });
    a.write('0123456789\n');
    a.end();
    const b = new RotatingLogFile(file, { maxBytes: 20, keep: 1 });
    b.write('abcdefghij\n');
    b.end();
    expect(await readFile(file, 'utf8')).toBe('abcdefghij\n');
    expect(await readFile(`${file}.1`, 'utf8')).toBe('0123456789\n');
  });
});

describe('connector log file (PIN-01 across rotation)', () => {
  it('rotates the connector log at trace level and no rotated file holds a PIN or a token', async () => {
    const file = join(dir, 'app', 'connector.log');
    const app = await testApp({ config: { log: { level: 'trace', file, maxBytes: 4096, keep: 3 } } });
    const canary = '48151623';
    try {
      for (let i = 0; i < 40; i++) {
        await call(app, { method: 'POST', url: '/v3/modules/beid/apps/token/readers/aaaaaaaaaaaaaaaa/verify-pin', payload: { pin: canary }, headers: { authorization: `Bearer tok-${canary}`, 'x-pace-pin': canary } });
        await call(app, { method: 'GET', url: '/info', headers: { authorization: `Bearer ${canary}` } });
      }
      app.log.info({ pin: canary, body: { pin: canary }, req: { headers: { authorization: canary } } }, 'redaction probe');
    } finally {
      await app.close();
    }
    const names = rotatedNames(file, 3).filter((f) => existsSync(f));
    expect(names.length, 'the log rotated and kept 3 old files').toBe(4);
    const closedSize = (await stat(file)).size;
    app.log.info('after close');
    expect((await stat(file)).size, 'closing the app closed its log file').toBe(closedSize);
    expect(existsSync(`${file}.4`)).toBe(false);
    const all = (await Promise.all(names.map((f) => readFile(f, 'utf8')))).join('');
    expect(all).toContain('request completed');
    expect(all).toContain('redaction probe');
    expect(all).not.toContain(canary);
  });
});
