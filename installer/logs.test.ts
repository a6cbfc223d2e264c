import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLogLine, parseSince, readLogs } from './logs.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-logs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseSince', () => {
  const now = Date.parse('2026-01-02T03:04:05Z');
  it.each([
    ['90s', now - 90_000],
    ['10m', now - 600_000],
    ['2h', now - 7_200_000],
    ['1d', now - 86_400_000],
    ['2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:00Z')],
  ])('%s', (value, expected) => {
    expect(parseSince(value, now)).toBe(expected);
  });
  it.each(['10', '5x', 'yesterday', '-1m', ''])('refuses %j', (value) => {
    expect(() => parseSince(value, now)).toThrow(/--since/);
  });
});

describe('readLogs', () => {
  it('reads the rotated files oldest first, from --since on, at the level asked, skipping foreign lines', async () => {
    const file = join(dir, 'connector.log');
    const line = (time: number, level: number, msg: string): string => `${JSON.stringify({ level, time, pid: 1, hostname: 'h', msg, reqId: `r${time}` })}\n`;
    await writeFile(`${file}.2`, line(1000, 30, 'oldest'));
    await writeFile(`${file}.1`, line(2000, 20, 'debug one') + 'not json\n' + line(3000, 40, 'a warning'));
    await writeFile(file, line(4000, 30, 'newest'));
    expect((await readLogs(file)).map((l) => l.msg)).toEqual(['oldest', 'debug one', 'a warning', 'newest']);
    expect((await readLogs(file, { since: 2500 })).map((l) => l.msg)).toEqual(['a warning', 'newest']);
    expect((await readLogs(file, { minLevel: 30 })).map((l) => l.msg)).toEqual(['oldest', 'a warning', 'newest']);
    const [warning] = await readLogs(file, { minLevel: 40 });
    expect(formatLogLine(warning!)).toBe('1970-01-01T00:00:03.000Z WARN  a warning {"reqId":"r3000"}');
  });
});
