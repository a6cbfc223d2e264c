import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../lab/paths.js';

/**
 * The pages the console and the demo serve: plain HTML, CSS and browser JavaScript in `simulators/console/web/`,
 * served as they are (no build step), and three files of npm packages the console page imports — Preact, its hooks
 * and htm — under /vendor/, named in the page's import map. The official SDK bundle comes from node_modules too.
 */
export interface WebFile {
  readonly body: Buffer;
  readonly type: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.pem': 'application/x-pem-file',
};

export function typeOf(file: string): string {
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

const require = createRequire(import.meta.url);

/** The official SDK's browser bundle, exactly as npm ships it (the SDK suites load the same file). */
export function sdkBundlePath(): string {
  return require.resolve('t1c-sdk-js/dist/T1CSdk.js');
}

/** /vendor/<name> → the package's ES module served under it. */
export const VENDOR_FILES: Readonly<Record<string, () => string>> = {
  'preact.mjs': () => require.resolve('preact'),
  'hooks.mjs': () => require.resolve('preact/hooks'),
  // htm's exports give require() its CommonJS build; the ES module sits beside it
  'htm.mjs': () => path.join(path.dirname(require.resolve('htm')), 'htm.mjs'),
};

export function webDir(): string {
  return path.join(repoRoot(), 'simulators', 'console', 'web');
}

export function readWebFile(file: string): WebFile {
  return { body: readFileSync(file), type: typeOf(file) };
}

/** The CSP source of each inline script of a page (`'sha256-…'`): the console's import map is one. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].filter((m) => m[1]!.trim().length > 0).map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
}
