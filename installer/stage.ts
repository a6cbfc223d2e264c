import { existsSync, readFileSync } from 'node:fs';
import { cp, lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of dist/ a user's installation runs: the CLI wiring, the connector and this installer. */
export const RUNTIME_DIST = ['bin', 'connector', 'installer'] as const;

/** Files a production copy leaves out: tests, source maps, native build intermediates. */
export function isDevOnly(path: string): boolean {
  const parts = path.split(sep);
  return /\.test\.js$|\.map$|\.d\.ts$/.test(path) || parts.includes('obj.target') || parts.includes('.deps');
}

/** The package root this code runs from (the checkout, or an installed copy): the nearest folder with package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

interface Lockfile {
  readonly packages: Record<string, { readonly dev?: boolean; readonly optional?: boolean }>;
}

/**
 * The runtime dependencies, from the lock file: every package not marked dev (optional ones only when installed,
 * e.g. the native PC/SC and PKCS#11 bindings), as node_modules paths relative to the root.
 */
export function runtimePackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true && existsSync(join(root, path)))
    .map(([path]) => path)
    .sort();
}

/**
 * Copies a production build of the package at `root` into `appDir`: package.json and package-lock.json, the runtime
 * parts of dist/ and the runtime dependencies as already installed (native bindings included, built for this
 * machine), without tests, maps, build intermediates or dev tooling. Replaces whatever `appDir` held.
 */
export async function stageApp(root: string, appDir: string): Promise<void> {
  for (const part of RUNTIME_DIST) {
    if (!existsSync(join(root, 'dist', part))) throw new Error(`${join(root, 'dist', part)} is missing: run npm run build first`);
  }
  await rm(appDir, { recursive: true, force: true });
  await mkdir(appDir, { recursive: true, mode: 0o700 });
  const filter = (source: string): boolean => !isDevOnly(relative(root, source));
  for (const part of RUNTIME_DIST) await cp(join(root, 'dist', part), join(appDir, 'dist', part), { recursive: true, filter });
  for (const pkg of runtimePackages(root)) {
    const source = join(root, pkg);
    // nested node_modules are entries of their own in the lock file
    await cp(source, join(appDir, pkg), { recursive: true, filter: (s) => filter(s) && !relative(source, s).split(sep).includes('node_modules') });
  }
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const { name, version, description, license, type, engines, dependencies, optionalDependencies } = manifest;
  await cp(join(root, 'package-lock.json'), join(appDir, 'package-lock.json'));
  await writeFile(join(appDir, 'package.json'), `${JSON.stringify({ name, version, description, license, type, engines, bin: { 't1c-lab': 'dist/bin/t1c-lab.js' }, dependencies, optionalDependencies }, null, 2)}\n`);
}

export interface Footprint {
  /** Bytes of every file (apparent size, what the seed's "installed size" means). */
  readonly bytes: number;
  /** The largest top-level parts (dist, and each package under node_modules), largest first. */
  readonly largest: ReadonlyArray<{ readonly part: string; readonly bytes: number }>;
}

async function sizeOf(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await sizeOf(join(path, entry));
  return total;
}

/** The installed size of an app directory and what dominates it. */
export async function footprint(appDir: string): Promise<Footprint> {
  const parts: Array<{ part: string; bytes: number }> = [];
  for (const entry of await readdir(appDir)) {
    if (entry !== 'node_modules') {
      parts.push({ part: entry, bytes: await sizeOf(join(appDir, entry)) });
      continue;
    }
    for (const pkg of await readdir(join(appDir, entry))) {
      const names = pkg.startsWith('@') ? (await readdir(join(appDir, entry, pkg))).map((p) => `${pkg}/${p}`) : [pkg];
      for (const name of names) parts.push({ part: `node_modules/${name}`, bytes: await sizeOf(join(appDir, entry, name)) });
    }
  }
  parts.sort((a, b) => b.bytes - a.bytes);
  return { bytes: parts.reduce((sum, p) => sum + p.bytes, 0), largest: parts.slice(0, 5) };
}
