import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOT_FOLDER } from '../../simulators/console/reports.js';
import { repoRoot } from '../../simulators/lab/paths.js';

/** Where the console suite writes its screenshots (one per page, backend and browser). */
export function screenshotDir(): string {
  return path.join(repoRoot(), 'reports', SCREENSHOT_FOLDER);
}

/** The screenshots written since `since` (this run's), as links relative to the report folder `reportDir`. */
export function runScreenshots(reportDir: string, since: Date, dir: string = screenshotDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.png') && statSync(path.join(dir, name)).mtimeMs >= since.getTime())
    .sort()
    .map((name) => path.relative(reportDir, path.join(dir, name)).split(path.sep).join('/'));
}
