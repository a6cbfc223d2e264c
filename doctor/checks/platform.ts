import { statfs } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { runProgram } from '../../installer/run.js';
import type { DoctorContext } from '../context.js';
import { BROWSER_COMMANDS, BROWSER_MINIMUMS, DISK_PROBLEM_BYTES, DISK_WARNING_BYTES, SUPPORTED_LINUX, macosVerdict, macosVersion, windowsVerdict, type BrowserFamily } from '../support-table.js';
import { result, type CheckResult } from '../types.js';

/** `KEY=value` pairs of an os-release file (quotes removed). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^["']|["']$/g, '');
  }
  return out;
}

/** The OS family and version against the vendor's support table. */
export async function checkOs(ctx: DoctorContext): Promise<CheckResult> {
  const { platform, osRelease, osReleaseFile } = ctx.options;
  const title = 'operating system';
  const unsupported = 'use a supported system (Debian/Ubuntu, macOS 13+, Windows 10/11) or agree support with the connector vendor';
  if (platform === 'darwin') {
    const version = macosVersion(osRelease);
    const verdict = macosVerdict(version);
    return result('platform.os', 'platform', title, verdict.supported ? (verdict.note ? 'warning' : 'ok') : 'warning', `macOS ${version}${verdict.note ? `: ${verdict.note}` : ''}`, ...(verdict.note ? [verdict.supported ? 'update macOS when the fix is released' : unsupported] : []));
  }
  if (platform === 'win32') {
    const verdict = windowsVerdict(osRelease);
    return result('platform.os', 'platform', title, verdict.supported ? 'ok' : 'warning', `Windows ${osRelease}${verdict.note ? `: ${verdict.note}` : ''}`, ...(verdict.supported ? [] : [unsupported]));
  }
  if (platform !== 'linux') return result('platform.os', 'platform', title, 'warning', `${platform} is not in the support table`, unsupported);
  let fields: Record<string, string>;
  try {
    fields = parseOsRelease(await readFile(osReleaseFile, 'utf8'));
  } catch {
    return result('platform.os', 'platform', title, 'warning', `Linux, but ${osReleaseFile} is unreadable: distribution unknown`, unsupported);
  }
  const ids = [fields['ID'] ?? '', ...(fields['ID_LIKE'] ?? '').split(/\s+/)].filter((x) => x !== '');
  const name = fields['PRETTY_NAME'] ?? `${fields['NAME'] ?? 'Linux'} ${fields['VERSION_ID'] ?? ''}`.trim();
  if (ids.some((id) => (SUPPORTED_LINUX as readonly string[]).includes(id))) return result('platform.os', 'platform', title, 'ok', `${name} (kernel ${osRelease}): supported (Linux: Debian/Ubuntu)`);
  return result('platform.os', 'platform', title, 'warning', `${name}: not in the support table (Linux: Debian/Ubuntu)`, unsupported);
}

const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

/** Free space where the connector installs (the user's home). */
export async function checkDisk(ctx: DoctorContext): Promise<CheckResult> {
  const title = 'disk space';
  const where = ctx.options.home;
  const stats = await statfs(where);
  const free = stats.bavail * stats.bsize;
  if (free < DISK_PROBLEM_BYTES) return result('platform.disk', 'platform', title, 'problem', `${mib(free)} free under ${where}: the connector needs about 50 MiB plus its logs`, 'free some space (at least 100 MiB)');
  if (free < DISK_WARNING_BYTES) return result('platform.disk', 'platform', title, 'warning', `${mib(free)} free under ${where}: logs and updates may run out of space`, 'free some space (1 GiB or more)');
  return result('platform.disk', 'platform', title, 'ok', `${mib(free)} free under ${where}`);
}

/** The major version in a `--version` line ("Chromium 120.0.6099.224", "Mozilla Firefox 128.3.1esr"). */
export function browserMajor(line: string): number | null {
  const m = /(\d+)\.\d+/.exec(line);
  return m ? Number(m[1]) : null;
}

export interface FoundBrowser {
  readonly command: string;
  readonly family: BrowserFamily;
  readonly version: string;
  readonly major: number | null;
}

/** The browsers on PATH with their `--version` line. */
export async function findBrowsers(commands = BROWSER_COMMANDS, env: NodeJS.ProcessEnv = process.env): Promise<FoundBrowser[]> {
  const found: FoundBrowser[] = [];
  for (const { command, family } of commands) {
    const run = await runProgram(command, ['--version'], { env, timeoutMs: 15_000 });
    if (run.code !== 0) continue;
    const version = run.stdout.trim().split('\n').pop() ?? '';
    found.push({ command, family, version, major: browserMajor(version) });
  }
  return found;
}

/** Browsers found, each against the vendor's minimum version. */
export async function checkBrowsers(ctx: DoctorContext, commands = BROWSER_COMMANDS): Promise<CheckResult> {
  const title = 'browsers';
  const found = await findBrowsers(commands, ctx.options.env);
  if (found.length === 0) return result('platform.browsers', 'platform', title, 'warning', `none found on PATH (looked for ${commands.map((c) => c.command).join(', ')})`, `install a current browser (minimums: Chrome ${BROWSER_MINIMUMS.chrome}, Firefox ${BROWSER_MINIMUMS.firefox}, Edge ${BROWSER_MINIMUMS.edge})`);
  const old = found.filter((b) => b.major !== null && b.major < BROWSER_MINIMUMS[b.family]);
  const list = found.map((b) => `${b.version || b.command}`).join('; ');
  if (old.length === 0) return result('platform.browsers', 'platform', title, 'ok', `${list} (minimums: Chrome ${BROWSER_MINIMUMS.chrome}, Firefox ${BROWSER_MINIMUMS.firefox}, Edge ${BROWSER_MINIMUMS.edge})`);
  return result('platform.browsers', 'platform', title, 'warning', `${old.map((b) => `${b.version} is below the minimum ${b.family} ${BROWSER_MINIMUMS[b.family]}`).join('; ')}`, `update ${old.map((b) => b.command).join(', ')}`);
}
