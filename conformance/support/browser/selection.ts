import { existsSync } from 'node:fs';
import { BROWSER_NAMES, type BrowserName } from './types.js';

/** Debian's browsers (never downloaded builds), overridable for other installs. */
export function browserExecutable(name: BrowserName, env: NodeJS.ProcessEnv = process.env): string {
  return name === 'chromium' ? (env['T1C_LAB_CHROMIUM'] ?? '/usr/bin/chromium') : (env['T1C_LAB_FIREFOX'] ?? '/usr/bin/firefox-esr');
}

/** The Debian package that provides each browser. */
export const BROWSER_PACKAGES: Readonly<Record<BrowserName, string>> = { chromium: 'chromium', firefox: 'firefox-esr' };

export function isBrowserName(name: string): name is BrowserName {
  return (BROWSER_NAMES as readonly string[]).includes(name);
}

/** `chromium,firefox` → the names, in the given order, each once; an unknown name throws. */
export function parseBrowserList(text: string): BrowserName[] {
  const names = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((n) => !isBrowserName(n));
  if (unknown.length > 0) throw new Error(`unknown browser ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${BROWSER_NAMES.join(', ')}`);
  return [...new Set(names as BrowserName[])];
}

export interface BrowserChoice {
  readonly name: BrowserName;
  readonly executable: string;
  /** Why it cannot run here (not installed), or null. */
  readonly missing: string | null;
}

/** The browsers the suites run in: T1C_LAB_BROWSERS (default every one), each with whether it is installed. */
export function browserChoices(env: NodeJS.ProcessEnv = process.env): BrowserChoice[] {
  const names = env['T1C_LAB_BROWSERS'] ? parseBrowserList(env['T1C_LAB_BROWSERS']) : [...BROWSER_NAMES];
  return names.map((name) => {
    const executable = browserExecutable(name, env);
    return { name, executable, missing: existsSync(executable) ? null : `${executable} is not installed (Debian: apt-get install ${BROWSER_PACKAGES[name]})` };
  });
}
