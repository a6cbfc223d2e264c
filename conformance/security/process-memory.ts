import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface MemoryHit {
  readonly pattern: string;
  readonly address: string;
  readonly region: string;
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Searches the writable memory of process `pid` (/proc/<pid>/maps and /proc/<pid>/mem; needs the same user and no
 * ptrace restriction) for byte patterns. Regions the kernel will not let us read are skipped.
 */
export function searchProcessMemory(pid: number, patterns: Readonly<Record<string, Buffer>>): { hits: MemoryHit[]; bytes: number } {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const longest = Math.max(...Object.values(patterns).map((p) => p.length));
  const hits: MemoryHit[] = [];
  let bytes = 0;
  try {
    for (const line of maps) {
      const [range, perms, , , , name = ''] = line.split(/\s+/);
      if (!perms?.startsWith('rw') || name === '[vvar]' || name === '[vsyscall]') continue;
      const [start, end] = range!.split('-').map((h) => Number.parseInt(h, 16)) as [number, number];
      for (let at = start; at < end; at += CHUNK) {
        const length = Math.min(CHUNK + longest, end - at);
        const buffer = Buffer.alloc(length);
        let read: number;
        try {
          read = readSync(fd, buffer, 0, length, at);
        } catch {
          break; // an unreadable region
        }
        bytes += Math.min(read, CHUNK);
        for (const [label, pattern] of Object.entries(patterns)) {
          for (let i = buffer.indexOf(pattern); i >= 0 && i < read; i = buffer.indexOf(pattern, i + 1)) {
            if (i < CHUNK) hits.push({ pattern: label, address: `0x${(at + i).toString(16)}`, region: name || 'anonymous' });
          }
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { hits, bytes };
}
