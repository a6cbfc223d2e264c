import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationOptions {
  /** Before a write would take the file past this size, the file is rotated. */
  readonly maxBytes: number;
  /** Rotated files kept: FILE.1 (newest) … FILE.keep (oldest). */
  readonly keep: number;
}

/** The names of a log file and its rotated predecessors, newest first: FILE, FILE.1, … FILE.keep. */
export function rotatedNames(file: string, keep: number): string[] {
  return [file, ...Array.from({ length: keep }, (_, i) => `${file}.${i + 1}`)];
}

/**
 * A size-rotated, owner-only (0600) log file for pino: synchronous appends (pino's own default destination is
 * synchronous too), and when a line would take the file past `maxBytes`, FILE.k becomes FILE.k+1, the oldest
 * beyond `keep` is dropped and a fresh FILE starts. A single line longer than `maxBytes` still goes whole into a
 * file of its own. Written by one process (the connector); readers (`t1c-lab connector logs`) only read.
 */
export class RotatingLogFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly file: string,
    private readonly options: RotationOptions,
  ) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    this.fd = openSync(file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(line: string): boolean {
    if (this.fd < 0) return false;
    const bytes = Buffer.from(line, 'utf8');
    if (this.size > 0 && this.size + bytes.length > this.options.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
    return true;
  }

  /** Closes the file; later writes are dropped. */
  end(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private rotate(): void {
    closeSync(this.fd);
    const names = rotatedNames(this.file, this.options.keep);
    rmSync(names[names.length - 1]!, { force: true });
    for (let i = names.length - 2; i >= 0; i--) {
      try {
        renameSync(names[i]!, names[i + 1]!);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = 0;
  }
}
