#!/usr/bin/env node
// The Docker engine for container labs (`--provider containers`), dependency-free (plain Node):
//   node scripts/docker-engine.mjs start   installs docker.io + debootstrap when missing (apt, root), then starts
//                                          dockerd on its own socket unless an engine already answers
//   node scripts/docker-engine.mjs stop    stops the dockerd that `start` started and removes what dockerd leaves
//                                          behind (mounts under its roots, docker0, its run dir); images stay cached
//   node scripts/docker-engine.mjs status  says which engine answers, if any
// The engine runs the way lab-recipe.md measured it on this kind of machine: no iptables, no masquerading, the vfs
// storage driver; and no bridge at all (`--bridge none`): lab containers use the host's network or none.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';

export const RUN_DIR = '/run/t1c-docker';
export const SOCKET = `${RUN_DIR}/docker.sock`;
const PID_FILE = `${RUN_DIR}/dockerd.pid`;
const LOG_FILE = `${RUN_DIR}/dockerd.log`;
const EXEC_ROOT = `${RUN_DIR}/exec`;
/** Persistent: the lab image built from debootstrap stays cached here between runs. */
const DATA_ROOT = '/var/lib/t1c-docker';
const PACKAGES = ['docker.io', 'debootstrap'];

function say(line) {
  console.error(`docker-engine: ${line}`);
}

/** True when an engine answers `GET /_ping` on the unix socket. */
function pings(socketPath, timeoutMs = 2000) {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let answer = '';
    const finish = (ok) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write('GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (/\r\n\r\nOK/.test(answer)) finish(true);
    });
    socket.once('end', () => finish(/\r\n\r\nOK/.test(answer)));
    socket.once('error', () => finish(false));
  });
}

/** The socket of an engine that answers: DOCKER_HOST (unix), the default socket, or ours. */
async function answeringSocket() {
  const fromEnv = process.env.DOCKER_HOST?.startsWith('unix://') ? process.env.DOCKER_HOST.slice('unix://'.length) : null;
  for (const candidate of [fromEnv, '/var/run/docker.sock', SOCKET]) {
    if (candidate && (await pings(candidate))) return candidate;
  }
  return null;
}

function packageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

function installPackages() {
  const absent = PACKAGES.filter((name) => !packageInstalled(name));
  if (absent.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${absent.join(' ')}; install them as root: apt-get install --no-install-recommends ${absent.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...absent]]) {
    say(`running: apt-get ${args.join(' ')}`);
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) throw new Error(`apt-get ${args[0]} failed`);
  }
}

function ourPid() {
  try {
    const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function start() {
  const running = await answeringSocket();
  if (running) {
    say(`an engine already answers on ${running}; using it`);
    return 0;
  }
  installPackages();
  await cleanLeftovers();
  mkdirSync(EXEC_ROOT, { recursive: true, mode: 0o700 });
  mkdirSync(DATA_ROOT, { recursive: true, mode: 0o700 });
  const args = [
    '--iptables=false',
    '--ip-masq=false',
    '--bridge=none',
    '--storage-driver=vfs',
    `--data-root=${DATA_ROOT}`,
    `--exec-root=${EXEC_ROOT}`,
    `--pidfile=${PID_FILE}`,
    `--host=unix://${SOCKET}`,
  ];
  say(`starting: dockerd ${args.join(' ')}`);
  const log = openSync(LOG_FILE, 'a', 0o600);
  const child = spawn('dockerd', args, { detached: true, stdio: ['ignore', log, log] });
  let exited = null;
  child.once('exit', (code, signal) => (exited = code ?? signal));
  child.once('error', (e) => (exited = e.message));
  const deadline = Date.now() + 60_000;
  while (!(await pings(SOCKET, 500))) {
    if (exited !== null) throw new Error(`dockerd exited at start (${exited}); see ${LOG_FILE}`);
    if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${SOCKET} within 60 s; see ${LOG_FILE}`);
    await delay(100);
  }
  child.unref();
  say(`ready on unix://${SOCKET} (pid ${child.pid})`);
  return 0;
}

function mountsUnder(roots) {
  let text = '';
  try {
    text = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((point) => point && roots.some((root) => point === root || point.startsWith(`${root}/`)))
    .sort((a, b) => b.length - a.length);
}

/** What a stopped dockerd leaves: mounts under its roots (netns, shm, overlay), docker0, its run dir. */
async function cleanLeftovers() {
  for (const point of mountsUnder([DATA_ROOT, RUN_DIR])) {
    if (spawnSync('umount', [point], { stdio: 'ignore' }).status !== 0) spawnSync('umount', ['-l', point], { stdio: 'ignore' });
    say(`unmounted ${point}`);
  }
  if (spawnSync('ip', ['link', 'show', 'docker0'], { stdio: 'ignore' }).status === 0) {
    spawnSync('ip', ['link', 'delete', 'docker0'], { stdio: 'ignore' });
    say('deleted docker0');
  }
  if (ourPid() === null) rmSync(RUN_DIR, { recursive: true, force: true });
}

async function stop() {
  const pid = ourPid();
  if (pid === null) {
    say('no dockerd of ours runs');
  } else {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) await delay(100);
    if (isAlive(pid)) {
      say(`dockerd ${pid} still runs after 30 s; SIGKILL`);
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await delay(100);
    }
    rmSync(PID_FILE, { force: true });
    say(`stopped dockerd ${pid}`);
  }
  await cleanLeftovers();
  return 0;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function status() {
  const socket = await answeringSocket();
  console.log(socket ? `engine answers on unix://${socket}` : 'no engine answers');
  return socket ? 0 : 1;
}

const commands = { start, stop, status };
const command = commands[process.argv[2] ?? ''];
if (!command) {
  say('usage: node scripts/docker-engine.mjs <start|stop|status>');
  process.exitCode = 2;
} else {
  command().then(
    (code) => (process.exitCode = code),
    (e) => {
      say(`error: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
