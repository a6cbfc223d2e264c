import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { DEFAULT_JWKS_PATH, dsGet } from '../connector/auth/index.js';
import { loadConfig, type ConnectorConfig } from '../connector/config/index.js';
import { installPaths } from './paths.js';
import { probe } from './probe.js';
import { readRecord } from './record.js';
import { serviceManager, type ServiceKind } from './service/index.js';
import { footprint } from './stage.js';
import { serviceSpec } from './install.js';
import { ensureTls } from './tls.js';
import { trustedIn } from './trust/index.js';

export interface ConnectorStatus {
  readonly installed: boolean;
  readonly service?: ServiceKind;
  readonly running?: boolean;
  /** The running connector's answers (absent when it does not answer). */
  readonly version?: string;
  readonly apiVersion?: string;
  readonly port?: number;
  readonly url?: string;
  /** Readers with their card (null: the connector wants a DS token for /v3/readers, or does not answer). */
  readonly readers?: ReadonlyArray<{ readonly name: string; readonly card: boolean }> | null;
  readonly ds?: { readonly url: string | null; readonly state: 'not configured' | 'reachable' | 'unreachable'; readonly syncedOrigins: number };
  readonly tls?: { readonly caFingerprint: string; readonly leafNotAfter: string; readonly daysLeft: number; readonly renewed: boolean; readonly trustedIn: readonly string[] };
  readonly installedBytes?: number;
  readonly largest?: ReadonlyArray<{ readonly part: string; readonly bytes: number }>;
  readonly paths?: { readonly config: string; readonly allowList: string; readonly data: string; readonly logs: string; readonly entry: string };
}

/** Whether the DS's key set can be fetched the way the connector fetches it (its URL, its CA, its timeout). */
async function dsState(ds: ConnectorConfig['ds']): Promise<'not configured' | 'reachable' | 'unreachable'> {
  if (!ds) return 'not configured';
  try {
    const ca = ds.ca ? await readFile(ds.ca, 'utf8') : undefined;
    await dsGet(ds.jwks ?? `${ds.url.replace(/\/+$/, '')}${DEFAULT_JWKS_PATH}`, { timeoutMs: 3_000, ...(ca ? { ca } : {}) });
    return 'reachable';
  } catch {
    return 'unreachable';
  }
}

/**
 * Whether the connector is installed and runs, what it answers (version, port, readers, the DS), its TLS state
 * (renewing a leaf close to expiry here too, restarting the service on the new one) and its installed size.
 */
export async function connectorStatus(env: NodeJS.ProcessEnv = process.env): Promise<ConnectorStatus> {
  const paths = installPaths(env);
  const record = await readRecord(paths.recordFile);
  if (!record) return { installed: false };
  const manager = serviceManager(record.service, paths, env);
  const tls = await ensureTls(paths);
  let running = await manager.running();
  if (tls.renewed && running) {
    await manager.restart(serviceSpec(paths, record.port));
    running = await manager.running();
  }
  const config = loadConfig({ argv: ['--config', paths.configFile], env: {} });
  const ca = await readFile(tls.caCertPath, 'utf8');
  const info = await probe(record.port, '/info', ca).catch(() => null);
  const api = (info?.body as { t1CInfoAPI?: { version?: string; cors?: string[] }; t1CInfoRuntime?: { version?: string } } | undefined) ?? {};
  const readersAnswer = info ? await probe(record.port, '/v3/readers', ca).catch(() => null) : null;
  const readerList = readersAnswer?.status === 200 ? (readersAnswer.body as { data?: Array<{ name: string; card?: unknown }> }).data ?? [] : null;
  const local = new Set([...config.cors.allowedOrigins, ...(existsSync(paths.allowListFile) ? ((JSON.parse(await readFile(paths.allowListFile, 'utf8')) as { allowedOrigins?: string[] }).allowedOrigins ?? []) : [])]);
  const size = existsSync(paths.appDir) ? await footprint(paths.appDir) : null;
  return {
    installed: true,
    service: record.service,
    running: running && info?.status === 200,
    ...(api.t1CInfoRuntime?.version ? { version: api.t1CInfoRuntime.version } : {}),
    ...(api.t1CInfoAPI?.version ? { apiVersion: api.t1CInfoAPI.version } : {}),
    port: record.port,
    url: `https://t1c.t1t.io:${record.port}`,
    readers: readerList?.map((r) => ({ name: r.name, card: r.card !== undefined && r.card !== null })) ?? null,
    ds: { url: config.ds?.url ?? null, state: await dsState(config.ds), syncedOrigins: (api.t1CInfoAPI?.cors ?? []).filter((o) => !local.has(o)).length },
    tls: { ...tls, trustedIn: (await trustedIn(record.trust)).map((t) => (t.store === 'nss' ? `nss:${t.db}` : `system:${t.file}`)) },
    ...(size ? { installedBytes: size.bytes, largest: size.largest } : {}),
    paths: { config: paths.configFile, allowList: paths.allowListFile, data: paths.dataDir, logs: paths.logFile, entry: manager.entry },
  };
}
