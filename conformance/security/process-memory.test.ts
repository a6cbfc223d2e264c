import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { searchProcessMemory, type MemoryPattern } from './process-memory.js';

// A process that holds the digits only inside a longer number (ASCII and UTF-16), and with `alone` also on their own.
const HOLDER = `
const n = process.argv[1];
globalThis.keep = [Buffer.from('time:' + n + ',', 'ascii'), Buffer.from(n, 'utf16le')];
if (process.argv[2] === 'alone') globalThis.keep.push(Buffer.from(' ' + n.slice(2, -2) + ' ', 'ascii'), Buffer.from('"' + n.slice(2, -2) + '"', 'utf16le'));
process.stdout.write('ready\\n');
setInterval(() => undefined, 60_000);
`;

async function hitsIn(longNumber: string, mode: 'embedded' | 'alone', patterns: Record<string, MemoryPattern>): Promise<string[]> {
  const child = spawn(process.execPath, ['-e', HOLDER, longNumber, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(child.stdout, 'data');
    return searchProcessMemory(child.pid!, patterns).hits.map((h) => h.pattern);
  } finally {
    child.kill('SIGKILL');
  }
}

describe.skipIf(process.platform !== 'linux')('searchProcessMemory', () => {
  it('counts a digit string where it stands alone, not inside a longer number', async () => {
    const digits = String(400_000 + Math.floor(Math.random() * 500_000));
    const longNumber = `17${digits}42`;
    const patterns = { ascii: { bytes: Buffer.from(digits, 'ascii'), digits: 'ascii' }, utf16: { bytes: Buffer.from(digits, 'utf16le'), digits: 'utf16' } } as const;
    expect(await hitsIn(longNumber, 'embedded', patterns)).toEqual([]);
    const alone = await hitsIn(longNumber, 'alone', patterns);
    expect(alone).toContain('ascii');
    expect(alone).toContain('utf16');
    // without the digits mark, the same bytes inside the number are found
    expect(await hitsIn(longNumber, 'embedded', { raw: { bytes: Buffer.from(digits, 'ascii') } })).toContain('raw');
  });
});
