import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LabError } from '../lab/lab-error.js';
import { acquirePcscdLock } from '../lab/pcscd-lock.js';
import { VPCD_DRIVER } from '../lab/pcscd-config.js';

/**
 * The lab's hardware image: a Debian rootfs made with debootstrap holding pcscd and the vpcd driver, imported with
 * `docker import` — built here, never pulled (no registry is reachable). Everything that shapes the image is in
 * this recipe, and the image's tag is the hash of it: a changed recipe builds a new image, an unchanged one is
 * found and reused.
 */
export const IMAGE_RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  mirror: 'http://deb.debian.org/debian',
  packages: ['pcscd', 'vsmartcard-vpcd'],
  /** One driver copy per vpcd entry after the first (pcscd-config.ts: entries sharing a library share slots). */
  driverCopies: 7,
  driverDir: '/usr/lib/t1c-lab/vpcd',
  confDir: '/etc/t1c-lab/reader.conf.d',
  /** Removed from the rootfs: not needed to run pcscd. */
  prune: ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale'],
  format: 1,
} as const;

export const IMAGE_REPOSITORY = 't1c-lab-pcscd';

export function imageTag(recipe: object = IMAGE_RECIPE): string {
  const hash = createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
  return `${IMAGE_REPOSITORY}:${hash}`;
}

/** The container path of the driver entry `entry` loads (entry 0: the package's own file). */
export function containerDriver(entry: number): string {
  return entry === 0 ? VPCD_DRIVER : `${IMAGE_RECIPE.driverDir}/libifdvpcd-${entry}.so`;
}

export interface ImageResult {
  readonly tag: string;
  /** False when the image was found in the engine's cache. */
  readonly built: boolean;
  readonly seconds: number;
}

export function imagePresent(tag: string): boolean {
  return spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag], { stdio: 'ignore' }).status === 0;
}

/** Lab images of older recipes: what `docker image rm` may remove to reclaim space. */
export function staleImages(tag: string = imageTag()): string[] {
  const result = spawnSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', IMAGE_REPOSITORY], { encoding: 'utf8' });
  return (result.stdout ?? '').split('\n').filter((line) => line.startsWith(`${IMAGE_REPOSITORY}:`) && line !== tag);
}

/**
 * Returns the image for the current recipe, building it when the engine does not have it. One build at a time on
 * a machine (a lock), so labs starting side by side build it once. Needs root (debootstrap) and the engine in
 * DOCKER_HOST (engine.ts `useEngine`).
 */
export async function ensureImage(log: (line: string) => void = () => undefined): Promise<ImageResult> {
  const t0 = performance.now();
  const tag = imageTag();
  if (imagePresent(tag)) return { tag, built: false, seconds: (performance.now() - t0) / 1000 };
  const lock = await acquirePcscdLock('batch-supervisor', { path: path.join(tmpdir(), 't1c-lab-image.lock'), waitMs: 900_000 });
  try {
    if (imagePresent(tag)) return { tag, built: false, seconds: (performance.now() - t0) / 1000 };
    log(`building the lab image ${tag} (debootstrap ${IMAGE_RECIPE.suite} + ${IMAGE_RECIPE.packages.join(', ')}; once per recipe)`);
    await buildImage(tag, log);
    return { tag, built: true, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await lock.release();
  }
}

async function buildImage(tag: string, log: (line: string) => void): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 't1c-lab-image-'));
  const rootfs = path.join(work, 'rootfs');
  const buildLog = path.join(work, 'debootstrap.log');
  try {
    const r = IMAGE_RECIPE;
    await runTo(buildLog, 'debootstrap', [`--variant=${r.variant}`, `--include=${r.packages.join(',')}`, r.suite, rootfs, r.mirror]);
    mkdirSync(path.join(rootfs, r.driverDir.slice(1)), { recursive: true });
    for (let entry = 1; entry <= r.driverCopies; entry++) copyFileSync(path.join(rootfs, VPCD_DRIVER.slice(1)), path.join(rootfs, containerDriver(entry).slice(1)));
    mkdirSync(path.join(rootfs, r.confDir.slice(1)), { recursive: true });
    for (const dir of r.prune) {
      rmSync(path.join(rootfs, dir), { recursive: true, force: true });
      mkdirSync(path.join(rootfs, dir), { recursive: true });
    }
    unmountUnder(rootfs);
    log(`importing the rootfs as ${tag}`);
    await importRootfs(rootfs, tag, buildLog);
  } catch (e) {
    throw new LabError('ERR_LAB_CONTAINERS', `building the lab image failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    unmountUnder(work);
    rmSync(work, { recursive: true, force: true });
  }
}

function runTo(logFile: string, command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${command} exited ${code}: ${tail} (${logFile} is removed with the build folder)`));
    });
  });
}

/** `tar -c rootfs | docker import - tag`, the image labelled with its recipe hash. */
function importRootfs(rootfs: string, tag: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn('docker', ['import', '--change', `LABEL t1c-lab.recipe=${tag.split(':')[1]}`, '-', tag], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    tar.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    load.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    tar.stdout.pipe(load.stdin);
    let tarCode: number | null = null;
    tar.once('exit', (code) => (tarCode = code));
    tar.once('error', reject);
    load.once('error', reject);
    load.once('exit', (code) => {
      if (code === 0 && tarCode === 0) return resolve();
      reject(new Error(`tar ${tarCode} | docker import ${code}: ${errors.trim()} (${logFile})`));
    });
  });
}

/** debootstrap mounts /proc and /sys in the target and may leave them mounted when it fails. */
function unmountUnder(dir: string): void {
  let mounts: string[];
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1] ?? '')
      .filter((point) => point === dir || point.startsWith(`${dir}/`));
  } catch {
    return;
  }
  for (const point of mounts.sort((a, b) => b.length - a.length)) {
    if (spawnSync('umount', [point], { stdio: 'ignore' }).status !== 0) spawnSync('umount', ['-l', point], { stdio: 'ignore' });
  }
}
