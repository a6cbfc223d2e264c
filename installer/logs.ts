import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../connector/config/index.js';
import { rotatedNames } from '../connector/api/log-file.js';
import { LOG_ROTATION_DEFAULTS } from '../connector/api/logging.js';

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (`90s`, `10m`, `2h`, `1d`) or an ISO date/time. Returns epoch ms. */
export function parseSince(value: string, now = Date.now()): number {
  const duration = /^(\d+)([smhd])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const at = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(at)) return at;
  throw new Error(`--since: "${value}" is neither a duration like 10m, 2h, 1d nor an ISO date`);
}

/** How many rotated files the installed connector keeps (its log.keep), so all of them are read. */
export function installedLogKeep(configFile: string): number {
  if (!existsSync(configFile)) return LOG_ROTATION_DEFAULTS.keep;
  return loadConfig({ argv: ['--config', configFile], env: {} }).log.keep ?? LOG_ROTATION_DEFAULTS.keep;
}

/** pino's numeric levels. */
export const LOG_LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export interface LogLine {
  readonly time: number;
  readonly level: number;
  readonly msg: string;
  readonly raw: string;
}

/**
 * The connector's log lines from `since` on, oldest first, across the rotated files (FILE.N … FILE.1, FILE), at
 * `minLevel` or above. Lines that are not the connector's JSON are skipped.
 */
export async function readLogs(file: string, options: { since?: number; minLevel?: number; keep?: number } = {}): Promise<LogLine[]> {
  const names = rotatedNames(file, options.keep ?? LOG_ROTATION_DEFAULTS.keep).reverse();
  const lines: LogLine[] = [];
  for (const name of names) {
    let text: string;
    try {
      text = await readFile(name, 'utf8');
    } catch {
      continue;
    }
    for (const raw of text.split('\n')) {
      if (raw === '') continue;
      let entry: { time?: unknown; level?: unknown; msg?: unknown };
      try {
        entry = JSON.parse(raw) as typeof entry;
      } catch {
        continue;
      }
      if (typeof entry.time !== 'number' || typeof entry.level !== 'number') continue;
      if (entry.time < (options.since ?? 0) || entry.level < (options.minLevel ?? 0)) continue;
      lines.push({ time: entry.time, level: entry.level, msg: typeof entry.msg === 'string' ? entry.msg : '', raw });
    }
  }
  return lines;
}

/** One line for people: time, level name, message, then the other fields as JSON. */
export function formatLogLine(line: LogLine): string {
  const name = Object.entries(LOG_LEVELS).find(([, n]) => n === line.level)?.[0] ?? String(line.level);
  const { time: _t, level: _l, msg: _m, pid: _p, hostname: _h, ...rest } = JSON.parse(line.raw) as Record<string, unknown>;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${new Date(line.time).toISOString()} ${name.toUpperCase().padEnd(5)} ${line.msg}${extra}`;
}
