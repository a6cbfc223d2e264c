import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { isReaderBusAnswer, type ReaderBusAnswer, type ReaderBusRequest } from '../../connector/protocol/index.js';
import { LabError } from './lab-error.js';
import { distEntry, labFiles } from './paths.js';
import { isAlive, processArgv, terminate } from './processes.js';
import type { Backend } from './state.js';

/**
 * The lab's "start connector" step: the connector runs as its own process, the way users run it —
 * `node dist/connector/main.js --config <json file>` — and prints one JSON line
 * `{"event":"ready","url":"https://127.0.0.1:PORT","port":PORT,"caCert":"/path/ca.pem"}` on stdout once it listens.
 */
export const CONNECTOR_ENTRY = 'connector/main.js';

/**
 * The origin the lab's connector allows (CORS) and publishes in the state: a test web app. Suites use it as
 * the allowed origin and anything else as a foreign one.
 */
export const LAB_APP_ORIGIN = 'https://app.t1c-lab.test';

/** The connector configuration the lab writes (`.lab/connector/config.json`; keys: docs/connector-config.md). */
export interface LabConnectorConfig {
  readonly hosts: readonly ['127.0.0.1'];
  /** 0: a free port, reported in the ready line (labs side by side never collide). */
  readonly port: 0;
  /** Device key and the TLS CA: fresh per lab run. */
  readonly dataDir: string;
  readonly readers: { readonly backend: Backend; readonly embedded: { readonly host: '127.0.0.1'; readonly ports: readonly number[] } };
  readonly cors: { readonly allowedOrigins: readonly string[] };
  /**
   * `jwt` against the lab's DS, requiring `aud` and the origins claim (the lab's DS mints both); `none` only
   * without a DS (`labConnectorConfig` without one).
   */
  readonly auth:
    | { readonly mode: 'none' }
    | { readonly mode: 'jwt'; readonly audience: string; readonly requireAudience: true; readonly requireOrigins: true };
  /** The lab's DS: key set, CORS list (with the connector's credential); short refresh intervals for the suites. */
  readonly ds?: { readonly url: string; readonly credentialFile: string; readonly jwksMinRefreshSeconds: number; readonly corsSyncMinSeconds: number };
  /** The lab's SoftHSM library, whose tokens the connector lists next to the card readers. */
  readonly pkcs11?: { readonly library: string };
  readonly log: { readonly level: 'info' | 'debug'; readonly file: string };
  readonly record?: { readonly dir: string };
}

/** The lab's DS as its connector is pointed at it. */
export interface LabConnectorDs {
  readonly url: string;
  readonly credentialFile: string;
  readonly audience: string;
}

/**
 * The lab's connector configuration for a backend; embedded readers listen on `embeddedPorts` (loopback). With
 * a DS the connector runs `auth.mode: jwt` and takes its CORS origins from the DS (none configured); without
 * one, `auth.mode: none` explicitly and the lab's app origin configured.
 */
export function labConnectorConfig(dir: string, backend: Backend, embeddedPorts: readonly number[], ds?: LabConnectorDs, pkcs11Library?: string): LabConnectorConfig {
  return {
    hosts: ['127.0.0.1'],
    port: 0,
    dataDir: path.join(dir, 'data'),
    readers: { backend, embedded: { host: '127.0.0.1', ports: backend === 'embedded' ? embeddedPorts : [] } },
    cors: { allowedOrigins: ds ? [] : [LAB_APP_ORIGIN] },
    auth: ds ? { mode: 'jwt', audience: ds.audience, requireAudience: true, requireOrigins: true } : { mode: 'none' },
    ...(ds ? { ds: { url: ds.url, credentialFile: ds.credentialFile, jwksMinRefreshSeconds: 1, corsSyncMinSeconds: 1 } } : {}),
    ...(pkcs11Library ? { pkcs11: { library: pkcs11Library } } : {}),
    // debug: the connector's log carries its APDU trace (PIN data masked), which the canary-PIN suite checks.
    log: { level: 'debug', file: path.join(dir, 'connector.log') },
    // T1C_LAB_RECORD_DIR: the connector records every card's APDU exchange there (how recorded profiles are made).
    ...(process.env['T1C_LAB_RECORD_DIR'] ? { record: { dir: path.resolve(process.env['T1C_LAB_RECORD_DIR']) } } : {}),
  };
}

export interface ConnectorReady {
  readonly url: string;
  readonly port: number;
  readonly caCert: string;
}

/** The embedded readers' bus of a connector the lab started (its IPC channel): a reader unplugged and plugged back. */
export interface ConnectorReaderBus {
  unplug(reader: number): Promise<void>;
  plug(reader: number): Promise<void>;
}

export interface ConnectorHandle extends ConnectorReady {
  readonly pid: number;
  readonly allowedOrigins: readonly string[];
  /** Embedded backend only; null for pcsc, whose readers are pcscd's. */
  readonly readerBus: ConnectorReaderBus | null;
  stop(): Promise<void>;
}

export function connectorBuilt(): boolean {
  return existsSync(distEntry(CONNECTOR_ENTRY));
}

const pidFile = (dir: string): string => path.join(dir, 'connector.pid');

export async function startConnector(
  dir: string,
  config: LabConnectorConfig,
  onUnexpectedExit: (how: string) => void = () => undefined,
  readyTimeoutMs = 30_000,
  env: Readonly<Record<string, string>> = {},
): Promise<ConnectorHandle> {
  if (!connectorBuilt()) {
    throw new LabError('ERR_LAB_CONNECTOR_MISSING', `${config.readers.backend === 'embedded' ? 'embedded backend needs the connector' : 'the connector is not built'}: ${distEntry(CONNECTOR_ENTRY)} is missing (run npm run build, or use --no-connector)`);
  }
  rmSync(config.dataDir, { recursive: true, force: true }); // a fresh device key and TLS CA per lab run
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  const log = openSync(config.log.file, 'a', 0o600); // crashes before the logger is up land here too
  let child: ChildProcess;
  try {
    // embedded: an IPC channel, the readers' bus (connector/readers/embedded/parent-bus.ts)
    const stdio = config.readers.backend === 'embedded' ? (['ignore', 'pipe', log, 'ipc'] as const) : (['ignore', 'pipe', log] as const);
    child = spawn(process.execPath, [distEntry(CONNECTOR_ENTRY), '--config', configFile], { stdio: [...stdio], env: { ...process.env, ...env } });
  } finally {
    closeSync(log);
  }
  const ready = await waitForReady(child, readyTimeoutMs, config.log.file);
  writeFileSync(pidFile(dir), `${child.pid}\n`);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) onUnexpectedExit(`the connector (pid ${child.pid}) exited on its own (${code ?? signal}); see ${config.log.file}`);
  });
  return {
    ...ready,
    pid: child.pid!,
    allowedOrigins: config.cors.allowedOrigins,
    readerBus: config.readers.backend === 'embedded' ? readerBusOf(child) : null,
    async stop(): Promise<void> {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) await terminate(child.pid!);
      rmSync(pidFile(dir), { force: true });
      rmSync(configFile, { force: true });
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

const BUS_TIMEOUT_MS = 10_000;

function readerBusOf(child: ChildProcess): ConnectorReaderBus {
  let next = 1;
  const pending = new Map<number, (answer: ReaderBusAnswer | Error) => void>();
  child.on('message', (message: unknown) => {
    if (isReaderBusAnswer(message)) pending.get(message.id)?.(message);
  });
  child.once('exit', () => {
    for (const settle of pending.values()) settle(new LabError('ERR_LAB_CONNECTOR_START', 'the connector exited'));
  });
  const call = (op: ReaderBusRequest['op'], reader: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = next++;
      const timer = setTimeout(() => settle(new LabError('ERR_LAB_READER_TIMEOUT', `the connector did not ${op} reader ${reader} within ${BUS_TIMEOUT_MS} ms`)), BUS_TIMEOUT_MS);
      function settle(answer: ReaderBusAnswer | Error): void {
        clearTimeout(timer);
        pending.delete(id);
        if (answer instanceof Error) reject(answer);
        else if (!answer.ok) reject(new LabError('ERR_LAB_FAULT_INVALID', `the connector could not ${op} reader ${reader}: ${answer.error ?? 'no reason given'}`));
        else resolve();
      }
      pending.set(id, settle);
      child.send({ t1cReaderBus: 1, id, op, reader } satisfies ReaderBusRequest, (e) => {
        if (e) settle(new LabError('ERR_LAB_CONNECTOR_START', `the connector's reader bus is closed: ${e.message}`));
      });
    });
  return { unplug: (reader) => call('unplug', reader), plug: (reader) => call('plug', reader) };
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

/** The pid of the connector the lab in `labDir` runs, from its pid file; null when there is none. */
export function labConnectorPid(labDir: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile(labFiles(labDir).connectorDir), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
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
