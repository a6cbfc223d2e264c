import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** A report file the console links to, under the checkout's `reports/`. */
export interface ReportLink {
  readonly title: string;
  /** `<folder>/<file>` under reports/, served at `/reports/<folder>/<file>`. */
  readonly file: string;
  readonly modified: string;
}

const FIXED: readonly { readonly title: string; readonly file: string }[] = [
  { title: 'Certification report', file: 'certification/index.html' },
  { title: 'Certification summary (JSON)', file: 'certification/summary.json' },
  { title: 'Load report', file: 'load/report.html' },
  { title: 'Load summary (JSON)', file: 'load/summary.json' },
];

/** The console's screenshots (reports/console/*.png), written by the console suite. */
export const SCREENSHOT_FOLDER = 'console';

/** The latest certification and load reports and the console screenshots that exist now, newest first within each kind. */
export function listReports(reportsDir: string): ReportLink[] {
  const modified = (file: string): string | null => {
    const full = path.join(reportsDir, file);
    return existsSync(full) ? statSync(full).mtime.toISOString() : null;
  };
  const fixed = FIXED.flatMap((r) => {
    const at = modified(r.file);
    return at ? [{ ...r, modified: at }] : [];
  });
  const shotsDir = path.join(reportsDir, SCREENSHOT_FOLDER);
  const shots = existsSync(shotsDir)
    ? readdirSync(shotsDir)
        .filter((name) => /^[\w.-]+\.png$/.test(name))
        .sort()
        .map((name) => ({ title: `Screenshot ${name}`, file: `${SCREENSHOT_FOLDER}/${name}`, modified: modified(`${SCREENSHOT_FOLDER}/${name}`)! }))
    : [];
  return [...fixed, ...shots];
}
