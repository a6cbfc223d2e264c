import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCardProfile } from '../../fixtures/cards/index.js';
import { distEntry, repoRoot } from '../lab/paths.js';
import { hasQuickackRoute } from '../lab/route.js';
import { validateState, type LabState } from '../lab/state.js';
import { labContainers } from './cleanup.js';
import { useEngine } from './engine.js';
import { ensureImage, imageTag } from './image.js';

/**
 * The containers provider end to end, through the built CLI (`npm run build` first): the image comes from the
 * cache the second time, two container labs run side by side and each PC/SC socket shows only its own lab's
 * reader and card, and `lab down` leaves no container, mount, route, socket dir or image build folder. Without a
 * Docker engine the suite is skipped — except in strict mode (T1C_LAB_STRICT=1), where it must run.
 */
const strict = process.env['T1C_LAB_STRICT'] === '1';
const engine = await useEngine();
const CLI = distEntry('bin/t1c-lab.js');
const LAB_MS = 600_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env }, cwd: repoRoot(), timeout: LAB_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** What a PC/SC client sees through one pcscd socket: reader names and ATRs (a process per socket: libpcsclite reads the name once). */
async function pcscView(socket: string): Promise<{ name: string; atr: string | null }[]> {
  const script = `const p = require('smartcard'); const c = new p.Context();
    console.log(JSON.stringify(c.listReaders().map((r) => ({ name: r.name, atr: r.atr ? r.atr.toString('hex').toUpperCase() : null }))));
    c.close();`;
  const result = await run(process.execPath, ['-e', script], { PCSCLITE_CSOCK_NAME: socket });
  if (result.code !== 0) throw new Error(`PC/SC client failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { name: string; atr: string | null }[];
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === dir || point.startsWith(`${dir}/`));
}

const imageBuildFolders = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('t1c-lab-image-'));

it.runIf(engine === null && strict)('a Docker engine answers (strict mode: the container suite must run)', () => {
  expect(engine, 'no Docker engine answers: start one with `node scripts/docker-engine.mjs start`').not.toBeNull();
});

describe.skipIf(engine === null)('labs in containers (--provider containers)', () => {
  const dirs = ['a', 'b'].map((name) => mkdtempSync(path.join(tmpdir(), `t1c-lab-ct-${name}-`)));
  const cards = ['beid-1.7:be-nl-adult', 'iso-echo'];
  const states: LabState[] = [];

  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  });

  afterAll(async () => {
    await Promise.all(dirs.map((dir) => run(process.execPath, [CLI, 'lab', 'down'], { T1C_LAB_DIR: dir })));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }, LAB_MS);

  it(
    'builds the image once per recipe: a second ensure finds it cached',
    async () => {
      const first = await ensureImage();
      const second = await ensureImage();
      expect(first.tag).toBe(imageTag());
      expect(second).toMatchObject({ tag: first.tag, built: false });
      expect(imageBuildFolders()).toEqual([]);
    },
    LAB_MS,
  );

  it(
    'runs two labs side by side, each socket serving only its own reader and card',
    async () => {
      const runs = await Promise.all(dirs.map((dir, i) => run(process.execPath, [CLI, 'lab', 'up', '--provider', 'containers', '--card', cards[i]!, '--json'], { T1C_LAB_DIR: dir, T1C_LAB_TEST: '1' })));
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      states.push(...runs.map((r) => validateState(JSON.parse(r.stdout))));
      const [a, b] = states as [LabState, LabState];
      expect(a.lab?.provider).toBe('containers');
      expect(a.lab?.pcscdSocket).not.toBe(b.lab?.pcscdSocket);
      expect(a.readers[0]!.port).not.toBe(b.readers[0]!.port);
      for (const [i, state] of states.entries()) {
        const atr = loadCardProfile(cards[i]!.split(':')[0]!).atrs[0]!.atr;
        expect(state.readers[0]!.card?.atr).toBe(atr);
        // The lab answers once its connector lists the reader with this ATR; the id is the connector's.
        expect(state.readers[0]!.id).toBeDefined();
        const view = await pcscView(state.lab!.pcscdSocket!);
        expect(view).toEqual(state.readers.map((r) => ({ name: r.name, atr: r.card?.atr ?? null })));
      }
      expect(a.readers[0]!.card?.atr).not.toBe(b.readers[0]!.card?.atr);
    },
    LAB_MS,
  );

  it(
    'leaves nothing behind after lab down: no container, mount, route, socket dir or build folder',
    async () => {
      expect(states).toHaveLength(2);
      for (const dir of dirs) {
        const down = await run(process.execPath, [CLI, 'lab', 'down'], { T1C_LAB_DIR: dir });
        expect(down.code, down.stderr).toBe(0);
      }
      for (const [i, dir] of dirs.entries()) {
        expect(labContainers(dir)).toEqual([]);
        expect(mountsUnder(dir)).toEqual([]);
        expect(existsSync(path.join(dir, 'pcscd-run'))).toBe(false);
        expect(hasQuickackRoute(states[i]!.lab!.cardHost)).toBe(false);
      }
      expect(imageBuildFolders()).toEqual([]);
    },
    LAB_MS,
  );
});
