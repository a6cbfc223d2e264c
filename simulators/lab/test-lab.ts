import { mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { VirtualCard } from '../cards/card.js';
import type { CardLink, CardLinkOptions } from '../vpcd/card-link.js';
import { CardSlots } from './card-slots.js';
import { LabError } from './lab-error.js';
import { labDir, labFiles } from './paths.js';
import { startPcscHardware } from './pcsc-hardware.js';
import { vpcdReaders } from './pcscd-config.js';
import { acquirePcscdLock } from './pcscd-lock.js';
import { LAB_CONF_MARKER } from './pcscd.js';
import { isAlive } from './processes.js';
import { liveSupervisorPid } from './supervisor-pid.js';

/**
 * An in-process PC/SC lab for integration tests: pcscd with vpcd readers, the quickack route when root, and
 * card links the test plugs in and out. It queues on the machine pcscd lock, so test files in parallel vitest
 * workers (and other processes) take turns. Wait for what pcscd sees with `waitForCardState` (pcsc-watch.ts).
 */
export interface TestLab {
  readonly backend: 'pcsc';
  readonly readers: readonly { index: number; name: string; port: number }[]; // pcscd reader names, e.g. 'Virtual PCD 00 00'
  readonly cardHost: string; // 127.0.0.2 with the route, else 127.0.0.1
  insert(index: number, card: VirtualCard, options?: Partial<CardLinkOptions>): Promise<CardLink>; // resolves when connected
  remove(index: number): Promise<void>;
  readonly pcscdLogPath: string;
  close(): Promise<void>; // removes cards, stops pcscd, removes route; leaves nothing behind
}

let opened = 0;

export async function openPcscTestLab(options?: { readers?: number; apduLog?: boolean }): Promise<TestLab> {
  const root = labDir();
  vpcdReaders(options?.readers ?? 2); // refuse an impossible layout before queueing for the lock
  refuseIfDetachedLab(root);
  const lock = await acquirePcscdLock('test-lab', { refuseIfSupervisor: true, labDir: root });
  const workDir = path.join(root, 'test-labs', `${process.pid}-${opened++}`);
  try {
    removeDeadTestLabDirs(path.join(root, 'test-labs'));
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const pcscdLogPath = path.join(workDir, 'pcscd.log');
    const hardware = await startPcscHardware({
      readers: options?.readers ?? 2,
      apduLog: options?.apduLog ?? true,
      confDir: path.join(workDir, LAB_CONF_MARKER),
      pcscdLogPath,
      log: (line) => console.warn(`t1c-lab test lab: ${line}`),
    });
    const slots = new CardSlots(hardware.readers, hardware.cardHost);
    let closed: Promise<void> | null = null;
    return {
      backend: 'pcsc',
      readers: hardware.readers.map(({ index, name, port }) => ({ index, name, port })),
      cardHost: hardware.cardHost,
      pcscdLogPath,
      insert: (index, card, linkOptions) => slots.insert(index, card, linkOptions),
      remove: async (index) => {
        await slots.remove(index);
      },
      close: () =>
        (closed ??= (async () => {
          try {
            await slots.removeAll();
            await hardware.stop();
          } finally {
            removeWorkDir(workDir);
            await lock.release();
          }
        })()),
    };
  } catch (e) {
    removeWorkDir(workDir);
    await lock.release();
    throw e;
  }
}

/** Removes a test lab's work dir (its pcscd.log may hold PINs), and `test-labs/` when it is left empty. */
function removeWorkDir(workDir: string): void {
  rmSync(workDir, { recursive: true, force: true });
  try {
    rmdirSync(path.dirname(workDir));
  } catch {
    // another test lab still uses it
  }
}

function refuseIfDetachedLab(root: string): void {
  const pid = liveSupervisorPid(labFiles(root));
  if (pid !== null) {
    throw new LabError('ERR_LAB_DETACHED_RUNNING', `a detached lab (supervisor pid ${pid}, ${root}) is running and owns pcscd; stop it with \`t1c-lab lab down\` first`);
  }
}

/** Work dirs of test labs whose process died without closing (they may hold a pcscd.log with PINs). */
function removeDeadTestLabDirs(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(entry.split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) rmSync(path.join(parent, entry), { recursive: true, force: true });
  }
}
