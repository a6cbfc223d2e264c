import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { StartedTestContainer } from 'testcontainers';
import { LabError } from '../lab/lab-error.js';
import type { PcscHardware } from '../lab/pcsc-hardware.js';
import { vpcdReaderConf, vpcdReaders } from '../lab/pcscd-config.js';
import { reservePorts } from '../lab/reserved-ports.js';
import { acquirePcscdLock } from '../lab/pcscd-lock.js';
import { pipeRedactedLog } from '../lab/pcscd-log.js';
import { socketAnswers } from '../lab/pcscd.js';
import { waitForReaders } from '../lab/pcsc-watch.js';
import { addQuickackRoute, removeQuickackRoute } from '../lab/route.js';
import { useEngine } from './engine.js';
import { containerDriver, ensureImage, IMAGE_RECIPE } from './image.js';
import { LABEL_CARD_HOST, LABEL_LAB_DIR } from './labels.js';
import { cardHostFor, freeVpcdBlock } from './ports.js';

export interface ContainerHardwareOptions {
  readonly readers: number;
  readonly apduLog: boolean;
  /** The lab's directory: the container carries it as a label, its pcscd socket dir lives in it. */
  readonly labDir: string;
  /** The vpcd reader config, written on the host and mounted read-only into the container. */
  readonly confDir: string;
  readonly pcscdLogPath: string;
  readonly log?: (line: string) => void;
}

/** The container-side PC/SC of a lab, plus where its pcscd socket is on the host. */
export interface ContainerHardware extends PcscHardware {
  /** pcscd's socket on the host; PC/SC clients name it in PCSCLITE_CSOCK_NAME. */
  readonly socket: string;
  readonly containerId: string;
}

/** pcscd's socket dir of a container lab: bind-mounted over /run/pcscd in the container. */
export function pcscdRunDir(labDir: string): string {
  return path.join(labDir, 'pcscd-run');
}

/** sockaddr_un holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;

/**
 * Starts the PC/SC side of a lab in a container: pcscd with the vpcd driver on the host's network (vpcd ports of
 * its own per lab, cards connect from the host over loopback), its socket on a bind-mounted directory. This
 * process's PC/SC clients — the lab's readiness checks, and the connector it starts (which inherits the
 * environment) — reach it through PCSCLITE_CSOCK_NAME, which libpcsclite reads when it first connects.
 */
export async function startContainerHardware(options: ContainerHardwareOptions): Promise<ContainerHardware> {
  const log = options.log ?? (() => undefined);
  if (!(await useEngine())) throw new LabError('ERR_LAB_CONTAINERS', 'no Docker engine answers (DOCKER_HOST, /var/run/docker.sock, or node scripts/docker-engine.mjs start)');
  const image = await ensureImage(log);
  log(image.built ? `built the lab image ${image.tag} in ${image.seconds.toFixed(1)} s` : `lab image ${image.tag} (cached)`);

  const runDir = pcscdRunDir(options.labDir);
  const socket = path.join(runDir, 'pcscd.comm');
  if (socket.length > MAX_SOCKET_PATH) throw new LabError('ERR_LAB_CONTAINERS', `the pcscd socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter T1C_LAB_DIR`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true, mode: 0o755 });
  process.env['PCSCLITE_CSOCK_NAME'] = socket;

  // Ports are taken once vpcd binds them in the container: one lab at a time from choosing them to that point.
  const portsLock = await acquirePcscdLock('batch-supervisor', { path: '/tmp/t1c-lab-vpcd-ports.lock', waitMs: 120_000 });
  let container: StartedTestContainer | null = null;
  let logged: Promise<void> = Promise.resolve();
  let cardHost: string | null = null;
  const stop = async (): Promise<void> => {
    try {
      await container?.stop({ remove: true, removeVolumes: true, timeout: 5000 });
      await logged;
    } finally {
      container = null;
      if (cardHost) removeQuickackRoute(cardHost);
      rmSync(options.confDir, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    }
  };
  try {
    const count = vpcdReaders(options.readers).length;
    const base = await freeVpcdBlock(count);
    const reserved = reservePorts(base, base + count - 1);
    if (reserved) log(reserved);
    const readers = vpcdReaders(count, base);
    rmSync(options.confDir, { recursive: true, force: true });
    mkdirSync(options.confDir, { recursive: true });
    writeFileSync(path.join(options.confDir, 'vpcd'), vpcdReaderConf(count, containerDriver, base));
    const route = addQuickackRoute(cardHostFor(base));
    if (route.quickack) cardHost = route.cardHost;
    if (route.warning) log(route.warning);

    const { GenericContainer } = await import('testcontainers');
    const pcscdArgs = ['--foreground', ...(options.apduLog ? ['--apdu', '--debug'] : []), '--config', IMAGE_RECIPE.confDir];
    container = await new GenericContainer(image.tag)
      .withNetworkMode('host')
      .withBindMounts([
        { source: runDir, target: '/run/pcscd', mode: 'rw' },
        { source: options.confDir, target: IMAGE_RECIPE.confDir, mode: 'ro' },
      ])
      .withLabels({ [LABEL_LAB_DIR]: options.labDir, ...(cardHost ? { [LABEL_CARD_HOST]: cardHost } : {}) })
      .withCommand(['pcscd', ...pcscdArgs])
      .withLogConsumer((stream: Readable) => {
        logged = pipeRedactedLog(options.pcscdLogPath, [stream]);
      })
      .withStartupTimeout(60_000)
      .start();
    const deadline = Date.now() + 10_000;
    while (!(await socketAnswers(socket, 200))) {
      if (Date.now() > deadline) throw new LabError('ERR_LAB_PCSCD_START', `pcscd in container ${container.getId().slice(0, 12)} did not open ${socket} within 10 s; see ${options.pcscdLogPath}`);
      await delay(25);
    }
    await waitForReaders(readers.map((r) => r.name));
    await portsLock.release();
    const id = container.getId();
    log(`pcscd runs in container ${id.slice(0, 12)} (vpcd ports ${base}…${base + count - 1}, socket ${socket})`);
    return {
      readers,
      cardHost: route.cardHost,
      quickack: route.quickack,
      pcscdPid: hostPid(id),
      routeWarning: route.warning ?? null,
      socket,
      containerId: id,
      stop,
    };
  } catch (e) {
    await portsLock.release();
    await stop().catch(() => undefined);
    if (e instanceof LabError) throw e;
    throw new LabError('ERR_LAB_CONTAINERS', `the lab container did not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** pcscd's pid as the host sees it (the container's main process). */
function hostPid(id: string): number {
  const result = spawnSync('docker', ['inspect', '--format', '{{.State.Pid}}', id], { encoding: 'utf8' });
  const pid = Number(result.stdout.trim());
  if (!Number.isInteger(pid) || pid < 1) throw new LabError('ERR_LAB_CONTAINERS', `docker inspect gave no pid for container ${id.slice(0, 12)}`);
  return pid;
}
