import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LabError } from './lab-error.js';
import { distEntry } from './paths.js';
import { isAlive, processArgv, terminate } from './processes.js';
import type { Backend } from './state.js';

/**
 * The lab's "start connector" step: the connector runs as its own process, the way users run it —
 * `node dist/connector/main.js --config <json file>` — and prints one JSON line
 * `{"event":"ready","url":"https://127.0.0.1:PORT","port":PORT,"caCert":"/path/ca.pem"}` on stdout once it listens.
 */
export const CONNECTOR_ENTRY = 'connector/main.js';

/** What the lab tells the connector (written to `.lab/connector/config.json`). */
export interface LabConnectorConfig {
  readonly backend: Backend;
  /** HTTPS port; 0 lets the connector pick a free one (it reports it in the ready line). */
  readonly port: number;
  /** Where the connector keeps its per-installation CA and state. */
  readonly dataDir: string;
  /** The embedded vpcd listener, on when the lab runs the embedded backend: loopback, one port per reader. */
  readonly embedded?: { readonly host: '127.0.0.1'; readonly ports: readonly number[] };
}

export interface ConnectorReady {
  readonly url: string;
  readonly port: number;
  readonly caCert: string;
}

export interface ConnectorHandle extends ConnectorReady {
  readonly pid: number;
  stop(): Promise<void>;
}

export function connectorBuilt(): boolean {
  return existsSync(distEntry(CONNECTOR_ENTRY));
}

const pidFile = (dir: string): string => path.join(dir, 'connector.pid');

export async function startConnector(dir: string, config: LabConnectorConfig, readyTimeoutMs = 30_000): Promise<ConnectorHandle> {
  if (!connectorBuilt()) {
    throw new LabError('ERR_LAB_CONNECTOR_MISSING', `${config.backend === 'embedded' ? 'embedded backend needs the connector' : 'the connector is not built'}: ${distEntry(CONNECTOR_ENTRY)} is missing (run npm run build, or use --no-connector)`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  const log = openSync(path.join(dir, 'connector.log'), 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [distEntry(CONNECTOR_ENTRY), '--config', configFile], { stdio: ['ignore', 'pipe', log] });
  } finally {
    closeSync(log);
  }
  const ready = await waitForReady(child, readyTimeoutMs, path.join(dir, 'connector.log'));
  writeFileSync(pidFile(dir), `${child.pid}\n`);
  return {
    ...ready,
    pid: child.pid!,
    async stop(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) await terminate(child.pid!);
      rmSync(pidFile(dir), { force: true });
    },
  };
}

function waitForReady(child: ChildProcess, timeoutMs: number, logFile: string): Promise<ConnectorReady> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (message: string): void => {
      clearTimeout(timer);
      lines.close();
      if (child.exitCode === null) child.kill('SIGTERM');
      reject(new LabError('ERR_LAB_CONNECTOR_START', `${message}; see ${logFile}`));
    };
    const timer = setTimeout(() => fail(`the connector did not report ready within ${timeoutMs} ms`), timeoutMs);
    child.once('exit', (code, signal) => fail(`the connector exited at start (${code ?? signal})`));
    child.once('error', (e) => fail(`the connector did not start: ${e.message}`));
    lines.on('line', (line) => {
      let event: Partial<ConnectorReady> & { event?: unknown };
      try {
        event = JSON.parse(line) as typeof event;
      } catch {
        return; // not the ready line
      }
      if (event.event !== 'ready' || typeof event.url !== 'string' || typeof event.port !== 'number' || typeof event.caCert !== 'string') return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      lines.removeAllListeners('line');
      lines.on('line', () => undefined); // keep draining stdout
      resolve({ url: event.url, port: event.port, caCert: event.caCert });
    });
  });
}

/** Stops a connector a dead supervisor left behind (its pid file under `.lab/connector/`). */
export async function stopStaleConnector(dir: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(dir), 'utf8').trim());
  } catch {
    return false;
  }
  rmSync(pidFile(dir), { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return false;
  if (!processArgv(pid)?.some((arg) => arg.endsWith(CONNECTOR_ENTRY))) return false; // a recycled pid
  await terminate(pid);
  return true;
}
