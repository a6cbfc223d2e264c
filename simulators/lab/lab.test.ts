import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toHex } from '../../connector/protocol/index.js';
import { ISO_ECHO_ATR } from '../cards/iso-echo/index.js';
import { connectorBuilt, LAB_APP_ORIGIN } from './connector-process.js';
import { distEntry, labFiles } from './paths.js';
import { acquirePcscdLock } from './pcscd-lock.js';
import { vpcdDriverDir } from './pcscd-config.js';
import { PCSCD_SOCKET } from './pcscd.js';
import { isRunning, pidsByName, processArgv } from './processes.js';
import { hasQuickackRoute } from './route.js';
import { validateState, type LabState } from './state.js';
import { openPcscTestLab } from './test-lab.js';

/**
 * The detached lab end to end, through the built CLI (`npm run build` first): up, OpenSC as an independent
 * PC/SC client, insert/remove, down — and nothing left behind. Uses its own lab dir (T1C_LAB_DIR).
 */
const CLI = distEntry('bin/t1c-lab.js');
const dir = mkdtempSync(path.join(tmpdir(), 't1c-lab-it-'));
const files = labFiles(dir);
// T1C_LAB_TEST: other test files' PC/SC labs queue behind this lab instead of refusing it.
const env = { ...process.env, T1C_LAB_DIR: dir, T1C_LAB_TEST: '1' };
/** Time to queue for the machine pcscd lock behind other test files, plus the work. */
const QUEUE_MS = 240_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 200_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const lab = (...args: string[]): Promise<Run> => run(process.execPath, [CLI, 'lab', ...args]);

async function labJson(...args: string[]): Promise<LabState> {
  const result = await lab(...args, '--json');
  expect(result.stderr.replace(/^t1c-lab: (warning: |replacing |cleaned leftover: ).*\n/gm, '')).toBe(''); // notes only
  expect(result.code).toBe(0);
  return validateState(JSON.parse(result.stdout));
}

/** Processes whose command line mentions this lab's directory (its pcscd, its connector). */
function processesOfThisLab(): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map((entry) => processArgv(Number(entry))?.join(' ') ?? '')
    .filter((argv) => argv.includes(dir));
}

/** With the machine pcscd lock held (so no other lab runs), nothing of ours may remain. */
async function expectNothingLeft(state: LabState): Promise<void> {
  expect(isRunning(state.lab!.supervisorPid)).toBe(false);
  expect(processesOfThisLab()).toEqual([]);
  for (const file of [files.controlSocket, files.state, files.supervisorPid, files.pcscdConfDir, vpcdDriverDir(files.pcscdConfDir)]) expect(existsSync(file), file).toBe(false);
  const lock = await acquirePcscdLock('test-lab', { waitMs: 120_000 });
  try {
    expect(pidsByName('pcscd')).toEqual([]);
    expect(existsSync(PCSCD_SOCKET)).toBe(false);
    expect(hasQuickackRoute()).toBe(false);
  } finally {
    await lock.release();
  }
}

/** OpenSC's reader list as `name → card present`. */
async function openscReaders(): Promise<Map<string, boolean>> {
  const result = await run('opensc-tool', ['-l']);
  expect(result.code).toBe(0);
  const readers = new Map<string, boolean>();
  for (const match of result.stdout.matchAll(/^\d+\s+(Yes|No)\s+(?:\S+\s+)?(Virtual PCD.*?)\s*$/gm)) readers.set(match[2]!, match[1] === 'Yes');
  return readers;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before this test`);
});
afterAll(async () => {
  await lab('down');
  rmSync(dir, { recursive: true, force: true });
}, QUEUE_MS);

describe('t1c-lab lab (detached, pcsc backend)', () => {

  it('comes up with an iso-echo card that OpenSC sees, takes insert/remove, and goes down leaving nothing', async () => {
    const state = await labJson('up', '--backend', 'pcsc', '--card', 'iso-echo');
    expect(state.backend).toBe('pcsc');
    expect(state.readers.map((r) => [r.index, r.name])).toEqual([
      [0, 'Virtual PCD 00 00'],
      [1, 'Virtual PCD 00 01'],
    ]);
    expect(state.readers[0]!.card).toEqual({ profile: 'iso-echo', persona: null, atr: toHex(ISO_ECHO_ATR), pin: null });
    expect(state.readers[1]!.card).toBeNull();
    if (state.connector) {
      // The connector sees the same readers (by name) and the card; the lab publishes its reader ids.
      expect(state.readers.map((r) => r.id)).toEqual([expect.stringMatching(/^[0-9a-f]{16}$/), expect.stringMatching(/^[0-9a-f]{16}$/)]);
      expect(state.cors?.allowedOrigins).toEqual([LAB_APP_ORIGIN]);
    } else {
      expect(connectorBuilt()).toBe(false);
    }
    expect(JSON.parse(readFileSync(files.state, 'utf8'))).toEqual(state);

    expect(await openscReaders()).toEqual(new Map([['Virtual PCD 00 00', true], ['Virtual PCD 00 01', false]]));
    const atr = await run('opensc-tool', ['-r', '0', '-a']);
    expect(atr.code).toBe(0);
    expect(atr.stdout.trim().replace(/:/g, '').toUpperCase()).toBe(toHex(ISO_ECHO_ATR));

    expect(await labJson('status')).toEqual(state);
    const again = await lab('up', '--backend', 'pcsc');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^t1c-lab: a lab is already up \(supervisor pid \d+/);
    vi.stubEnv('T1C_LAB_DIR', dir); // as a test run in this checkout would see the lab
    try {
      await expect(openPcscTestLab()).rejects.toThrow(/^a detached lab \(supervisor pid \d+, .*\) is running and owns pcscd/);
    } finally {
      vi.unstubAllEnvs();
    }

    const inserted = await labJson('insert', 'iso-echo', '--reader', '1');
    expect(inserted.readers[1]!.card?.profile).toBe('iso-echo');
    expect(await openscReaders()).toEqual(new Map([['Virtual PCD 00 00', true], ['Virtual PCD 00 01', true]]));
    const occupied = await lab('insert', 'iso-echo', '--reader', '1');
    expect([occupied.code, occupied.stderr.trim()]).toEqual([1, 't1c-lab: reader 1 already holds a card; remove it first']);

    const removed = await labJson('remove', '--reader', '0');
    expect(removed.readers[0]!.card).toBeNull();
    expect(await openscReaders()).toEqual(new Map([['Virtual PCD 00 00', false], ['Virtual PCD 00 01', true]]));
    expect(readFileSync(files.apduTrace(0), 'utf8')).toMatch(/^# inserted iso-echo ATR 3B067431636C6162\n(?:[<>] [0-9A-F]+\n)*# removed\n$/);

    const down = await lab('down');
    expect([down.code, down.stdout.trim()]).toEqual([0, `lab down (supervisor ${state.lab!.supervisorPid} stopped)`]);
    await expectNothingLeft(state);
    expect(await lab('status')).toMatchObject({ code: 1, stderr: expect.stringContaining('no lab is up') });
  }, QUEUE_MS);

  it('cleans up after a supervisor that died', async () => {
    const state = await labJson('up', '--backend', 'pcsc', '--card', 'iso-echo');
    process.kill(state.lab!.supervisorPid, 'SIGKILL');
    const down = await lab('down');
    expect(down.code).toBe(0);
    expect(down.stdout.trim()).toBe('no lab was up');
    expect(down.stderr).toContain('cleaned leftover: pid file of dead supervisor');
    await expectNothingLeft(state);
  }, QUEUE_MS);
});

describe('t1c-lab lab (detached, embedded backend)', () => {
  it('needs the connector unless --no-connector, then parks the cards on free loopback ports; --replace swaps the lab', async () => {
    const plain = await lab('up', '--backend', 'embedded', '--card', 'iso-echo', '--json');
    if (connectorBuilt()) {
      expect(plain.code).toBe(0);
      const withConnector = validateState(JSON.parse(plain.stdout));
      expect(withConnector.connector?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(withConnector.readers[0]).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{16}$/), card: { atr: toHex(ISO_ECHO_ATR) } });
      expect((await lab('down')).code).toBe(0);
    } else {
      expect([plain.code, plain.stderr.trim()]).toEqual([1, expect.stringMatching(/^t1c-lab: embedded backend needs the connector/)]);
    }
    const state = await labJson('up', '--backend', 'embedded', '--no-connector', '--card', 'iso-echo');
    expect(state.backend).toBe('embedded');
    expect(state.connector).toBeUndefined();
    expect(state.readers).toHaveLength(2);
    expect(state.readers[0]).toMatchObject({ name: 't1c-lab Virtual Reader 00', card: { profile: 'iso-echo' } });
    expect(new Set(state.readers.map((r) => r.port)).size).toBe(2);

    const replaced = await labJson('up', '--backend', 'embedded', '--no-connector', '--replace');
    expect(replaced.lab!.supervisorPid).not.toBe(state.lab!.supervisorPid);
    expect(isRunning(state.lab!.supervisorPid)).toBe(false);
    expect(replaced.readers.map((r) => r.card)).toEqual([null, null]);

    const down = await lab('down');
    expect(down.code).toBe(0);
    expect(isRunning(replaced.lab!.supervisorPid)).toBe(false);
    for (const file of [files.controlSocket, files.state, files.supervisorPid]) expect(existsSync(file), file).toBe(false);
    expect(processesOfThisLab()).toEqual([]);
  }, QUEUE_MS);
});
