/**
 * The connector daemon: `node dist/connector/main.js [--config FILE] [flags]` or `t1c-lab connector …`.
 * Loads the configuration, the device key and the TLS material, starts the reader backend, listens on
 * loopback and prints one ready line on stdout:
 *   {"event":"ready","url":"https://127.0.0.1:PORT","port":PORT,"caCert":"/path/ca.pem"}
 * SIGTERM/SIGINT close the server and stop the backend. Exit codes: docs/connector-config.md.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { buildApp, clientErrorHandler, httpsOptions, type ConnectorApp } from './api/app.js';
import type { Authenticator } from './api/plugins/auth.js';
import { createConnectorAuth } from './auth/index.js';
import { watchAllowListFile, type AllowListWatch } from './auth/allow-list-file.js';
import { ConfigError, loadConfig, usage, type ConnectorConfig } from './config/index.js';
import { DeviceKey } from './crypto/index.js';
import type { FastifyBaseLogger } from 'fastify';
import { Pkcs11Service, currentOs } from './modules/pkcs11/index.js';
import { EmbeddedBackend, createReaderBackend, serveReaderBus, type ApduTracer, type ParentChannel, type ReaderBackend } from './readers/index.js';
import { TranscriptRecorder } from './readers/recorder.js';
import { toHex } from './protocol/index.js';
import { loadOrMintTls } from './tls/index.js';

export const EXIT = { ok: 0, failure: 1, config: 2, portInUse: 3 } as const;

/** The port is taken on one of the listen addresses (security-checklist NET-03: refuse to start). */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

export interface StartOptions {
  /** Default: `createReaderBackend(config.readers, config.bounds)`. */
  readonly readers?: ReaderBackend;
  /** Required for `auth.mode: jwt`. */
  readonly authenticator?: Authenticator;
  /** Log destination when `log.file` is not set (default stderr). */
  readonly logStream?: NodeJS.WritableStream;
  /** Default: a Pkcs11Service over `config.pkcs11` (tokens of the configured library, config saved in dataDir). */
  readonly pkcs11?: Pkcs11Service;
}

export interface RunningConnector {
  readonly url: string;
  readonly port: number;
  /** The CA certificate clients trust. */
  readonly caCert: string;
  readonly app: ConnectorApp;
  readonly readers: ReaderBackend;
  /** Closes the listeners (in-flight requests finish) and stops the reader backend. */
  close(): Promise<void>;
}

/** The one place the reader backend is made from the configuration. */
function createBackend(config: ConnectorConfig, trace?: ApduTracer): ReaderBackend {
  const { backend, embedded } = config.readers;
  return createReaderBackend(backend === 'embedded' ? { backend, host: embedded.host, ports: embedded.ports } : { backend }, config.bounds, trace);
}

/**
 * At `debug` and `trace` log levels every APDU goes to the log, PIN-bearing data already masked by the channel;
 * at other levels no tracer is installed at all, so the card path does no logging work.
 */
function apduLogger(config: ConnectorConfig): { tracer: ApduTracer | undefined; attach(log: FastifyBaseLogger): void } {
  if (config.log.level !== 'debug' && config.log.level !== 'trace') return { tracer: undefined, attach: () => undefined };
  let log: FastifyBaseLogger | null = null;
  return {
    tracer: (e) => log?.debug({ reader: e.readerId, command: toHex(e.command), response: e.response ? toHex(e.response) : null, us: e.micros }, 'apdu'),
    attach: (l) => {
      log = l;
    },
  };
}

/** The PKCS#11 side: always present (a library can be set through the API), loading `pkcs11.library` at start. */
function createPkcs11(config: ConnectorConfig, warn: (message: string) => void): Pkcs11Service {
  const library = config.pkcs11?.library;
  return new Pkcs11Service({
    defaults: library ? { [currentOs()]: library } : {},
    configFile: config.pkcs11?.configFile ?? join(config.dataDir, 'pkcs11.json'),
    queueLimit: config.bounds.queueLimit,
    onWarning: warn,
  });
}

function readPem(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${setting}: cannot read ${path}: ${(e as Error).message}`);
  }
}

async function serverTls(config: ConnectorConfig): Promise<{ cert: string; key: string; caCert: string }> {
  if (config.tls) {
    return { cert: readPem(config.tls.cert, 'tls.cert'), key: readPem(config.tls.key, 'tls.key'), caCert: config.tls.ca ?? config.tls.cert };
  }
  const minted = await loadOrMintTls(config.dataDir);
  return { cert: minted.certPem, key: minted.keyPem, caCert: minted.caCertPath };
}

function listenExtra(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Starts the connector in this process: listening on every configured loopback address, same port. */
export async function startConnector(config: ConnectorConfig, options: StartOptions = {}): Promise<RunningConnector> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const deviceKey = await DeviceKey.loadOrCreate(config.dataDir);
  const tls = await serverTls(config);
  const apduLog = apduLogger(config);
  let backend: ReaderBackend | null = null;
  const recorder = config.record ? new TranscriptRecorder(config.record.dir, () => backend) : null;
  const tracers = [apduLog.tracer, recorder?.trace].filter((t): t is ApduTracer => t !== undefined);
  const tracer: ApduTracer | undefined = tracers.length === 0 ? undefined : tracers.length === 1 ? tracers[0] : (e) => tracers.forEach((t) => t(e));
  const readers = options.readers ?? createBackend(config, tracer);
  backend = readers;
  recorder?.attach(readers);
  let log: FastifyBaseLogger | null = null;
  const pkcs11 = options.pkcs11 ?? createPkcs11(config, (message) => log?.warn(message));
  const auth = createConnectorAuth(config, { warn: (message) => log?.warn(message) });
  const authenticator = options.authenticator ?? auth.authenticator;
  const app = buildApp({
    config,
    readers,
    pkcs11,
    deviceKey,
    tls,
    origins: auth.origins,
    ...(authenticator ? { authenticator } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  apduLog.attach(app.log);
  log = app.log;
  const allowListFile = config.cors.allowListFile;
  const allowList: AllowListWatch | null = allowListFile
    ? watchAllowListFile(
        allowListFile,
        (origins) => {
          auth.origins.setFileOrigins(origins);
          log?.info({ origins: origins.length }, 'allow-list file applied');
        },
        (message) => log?.warn(message),
      )
    : null;
  const extra: Server[] = [];
  const [first = '127.0.0.1', ...others] = config.hosts;
  try {
    await readers.start();
    await pkcs11.start();
    await allowList?.ready;
    await auth.origins.sync(); // the DS's origins before the first request (a failure keeps the configured ones)
    await app.listen({ host: first, port: config.port });
    const port = (app.server.address() as AddressInfo).port;
    for (const host of others) {
      const server = createServer(httpsOptions(tls), (req, res) => app.routing(req, res));
      server.on('clientError', clientErrorHandler);
      extra.push(server);
      await listenExtra(server, host, port);
    }
  } catch (e) {
    allowList?.close();
    await Promise.all(extra.map(closeServer));
    await app.close();
    await pkcs11.stop();
    await readers.stop();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(`port ${config.port} is already in use on ${config.hosts.join(' / ')}: is another connector running?`, { cause: e });
    }
    throw e;
  }
  const port = (app.server.address() as AddressInfo).port;
  const urlHost = config.hosts.includes('127.0.0.1') ? '127.0.0.1' : '[::1]';
  return {
    url: `https://${urlHost}:${port}`,
    port,
    caCert: tls.caCert,
    app,
    readers,
    async close() {
      allowList?.close();
      await Promise.all([app.close(), ...extra.map(closeServer)]);
      await pkcs11.stop();
      await readers.stop();
    },
  };
}

export interface RunIo {
  readonly env?: NodeJS.ProcessEnv;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  /** Resolves when the connector should stop; default: the first SIGTERM or SIGINT. */
  readonly stopSignal?: Promise<unknown>;
  readonly start?: typeof startConnector;
  /**
   * The process that started this one, when it did so with an IPC channel: it may plug and unplug embedded
   * readers (connector/readers/embedded/parent-bus.ts). The daemon entry passes `process`.
   */
  readonly parent?: ParentChannel;
}

function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

/** Runs the daemon until a stop signal; returns the exit code. Never throws. */
export async function runConnector(argv: readonly string[], io: RunIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  const stopSignal = io.stopSignal ?? firstSignal();
  let running: RunningConnector;
  try {
    running = await (io.start ?? startConnector)(loadConfig({ argv, ...(io.env ? { env: io.env } : {}) }));
  } catch (e) {
    stderr.write(`t1c-lab connector: ${(e as Error).message}\n`);
    if (e instanceof ConfigError) return EXIT.config;
    if (e instanceof PortInUseError) return EXIT.portInUse;
    return EXIT.failure;
  }
  const stopBus = io.parent && running.readers instanceof EmbeddedBackend ? serveReaderBus(running.readers, io.parent) : null;
  stdout.write(`${JSON.stringify({ event: 'ready', url: running.url, port: running.port, caCert: running.caCert })}\n`);
  await stopSignal;
  stopBus?.();
  await running.close();
  return EXIT.ok;
}

const invokedAs = process.argv[1];
if (invokedAs !== undefined && import.meta.url === pathToFileURL(realpathSync(invokedAs)).href) {
  process.exit(await runConnector(process.argv.slice(2), { parent: process }));
}
