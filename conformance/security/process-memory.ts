import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

export interface MemoryHit {
  readonly pattern: string;
  readonly address: string;
  readonly region: string;
}

/**
 * A byte pattern; `digits` marks one made of decimal digits (one byte each, or UTF-16 code units), which counts only
 * where it stands alone: inside a longer run of digits (a timestamp in a log line, say) it is another number.
 */
export interface MemoryPattern {
  readonly bytes: Buffer;
  readonly digits?: 'ascii' | 'utf16';
}

const CHUNK = 4 * 1024 * 1024;

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= 0x30 && byte <= 0x39;

/** Whether the match at `i` runs on into more digits (the bytes around a chunk's start are not known: no). */
function insideLongerNumber(buffer: Buffer, i: number, pattern: MemoryPattern): boolean {
  const end = i + pattern.bytes.length;
  if (pattern.digits === 'ascii') return (i > 0 && isDigit(buffer[i - 1])) || isDigit(buffer[end]);
  if (pattern.digits === 'utf16') return (i > 1 && isDigit(buffer[i - 2]) && buffer[i - 1] === 0) || (isDigit(buffer[end]) && buffer[end + 1] === 0);
  return false;
}

/**
 * Searches the writable memory of process `pid` (/proc/<pid>/maps and /proc/<pid>/mem; needs the same user and no
 * ptrace restriction) for byte patterns. Regions the kernel will not let us read are skipped.
 */
export function searchProcessMemory(pid: number, patterns: Readonly<Record<string, MemoryPattern>>): { hits: MemoryHit[]; bytes: number } {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const fd = openSync(`/proc/${pid}/mem`, 'r');
  const longest = Math.max(...Object.values(patterns).map((p) => p.bytes.length)) + 2;
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
          for (let i = buffer.indexOf(pattern.bytes); i >= 0 && i < read; i = buffer.indexOf(pattern.bytes, i + 1)) {
            if (i < CHUNK && !insideLongerNumber(buffer, i, pattern)) hits.push({ pattern: label, address: `0x${(at + i).toString(16)}`, region: name || 'anonymous' });
          }
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return { hits, bytes };
}
