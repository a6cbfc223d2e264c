/**
 * The vendor's support table (prerequisites page, "Operating System" and "Browsers"), as data. Linux:
 * Debian and Ubuntu; macOS 13 and later (14 with a CCID caveat); Windows 10 and 11.
 */
export const SUPPORTED_LINUX = ['debian', 'ubuntu'] as const;

export interface OsVerdict {
  readonly supported: boolean;
  readonly note?: string;
}

/** macOS major version from the Darwin kernel release (Darwin 22 = macOS 13 Ventura, 23 = 14, 24 = 15…). */
export function macosVersion(darwinRelease: string): number {
  const major = Number.parseInt(darwinRelease, 10);
  return major >= 20 ? major - 9 : 10;
}

export function macosVerdict(version: number): OsVerdict {
  if (version < 13) return { supported: false, note: 'end of life, not supported (macOS 13 or later)' };
  if (version === 14) return { supported: true, note: 'macOS 14 has known USB/CCID card reader issues (vendor note 2023-10)' };
  return { supported: true };
}

/** Windows from os.release() (10.0.x covers 10 and 11; 6.3 is 8.1). */
export function windowsVerdict(release: string): OsVerdict {
  const [major] = release.split('.').map(Number);
  return (major ?? 0) >= 10 ? { supported: true } : { supported: false, note: 'before Windows 10: end of life, not supported' };
}

/** Minimum major versions the vendor accepts ("Chrome >80, Firefox >75, Edge 88 or higher"). */
export const BROWSER_MINIMUMS = { chrome: 81, firefox: 76, edge: 88 } as const;
export type BrowserFamily = keyof typeof BROWSER_MINIMUMS;

/** The programs looked for, with the family whose minimum applies. */
export const BROWSER_COMMANDS: readonly { readonly command: string; readonly family: BrowserFamily }[] = [
  { command: 'chromium', family: 'chrome' },
  { command: 'chromium-browser', family: 'chrome' },
  { command: 'google-chrome', family: 'chrome' },
  { command: 'google-chrome-stable', family: 'chrome' },
  { command: 'firefox', family: 'firefox' },
  { command: 'microsoft-edge', family: 'edge' },
  { command: 'microsoft-edge-stable', family: 'edge' },
];

/** Installed size of the connector (40-50 MB on the vendor's page): less free space than this is a problem. */
export const DISK_PROBLEM_BYTES = 100 * 1024 * 1024;
export const DISK_WARNING_BYTES = 1024 * 1024 * 1024;
