/**
 * Unit-tier helpers for API tests (inject(), no ports): a reader-backend test double, TLS material and a
 * device key minted once per test file, and an app built from them. Not for conformance tests, which
 * talk to a real connector.
 */
import { EventEmitter } from 'node:events';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ConnectorConfig } from '../config/index.js';
import { DeviceKey } from '../crypto/index.js';
import { ConnectorError } from '../errors/index.js';
import type { CardChannel, ReaderBackend, ReaderEvents, ReaderInfo, SessionOptions } from '../readers/index.js';
import { mintTlsMaterial, type TlsMaterial } from '../tls/index.js';
import { buildApp, type AppDeps, type ConnectorApp } from './app.js';

export const TEST_PORT = 51983;
export const TEST_HOST = `t1c.t1t.io:${TEST_PORT}`;

/** A ReaderBackend double: readers are set by the test; sessions run the operation on a channel that refuses APDUs. */
export class FakeReaders implements ReaderBackend {
  readonly kind = 'embedded' as const;
  readonly events = new EventEmitter<ReaderEvents>();
  readonly sessions: Array<{ readerId: string; options: SessionOptions | undefined }> = [];
  private readonly readers = new Map<string, ReaderInfo>();

  constructor(readers: ReadonlyArray<{ id: string; name: string; atr?: Buffer; pinpad?: boolean }> = []) {
    for (const r of readers) {
      this.readers.set(r.id, { id: r.id, name: r.name, backend: 'embedded', card: r.atr ? { atr: r.atr } : null, pinpad: r.pinpad ?? false });
    }
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  list(): ReaderInfo[] {
    return [...this.readers.values()];
  }
  get(readerId: string): ReaderInfo | undefined {
    return this.readers.get(readerId);
  }
  async withSession<T>(readerId: string, operation: (channel: CardChannel) => Promise<T>, options?: SessionOptions): Promise<T> {
    const reader = this.readers.get(readerId);
    if (!reader) throw new ConnectorError('ERR_READER_NOT_FOUND');
    if (!reader.card) throw new ConnectorError('ERR_CARD_NOT_PRESENT');
    this.sessions.push({ readerId, options });
    options?.onStage?.('queue', 1);
    const channel: CardChannel = {
      readerId,
      atr: reader.card.atr,
      transmit: async () => {
        throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'FakeReaders has no card behind it' });
      },
      reset: async () => undefined,
    };
    const result = await operation(channel);
    options?.onStage?.('card', 2);
    return result;
  }
}

let shared: Promise<{ tls: TlsMaterial; deviceKey: DeviceKey }> | undefined;

/** TLS material and a device key, made once per test file. */
export function testCredentials(): Promise<{ tls: TlsMaterial; deviceKey: DeviceKey }> {
  shared ??= Promise.all([mintTlsMaterial(), DeviceKey.generate()]).then(([tls, deviceKey]) => ({ tls, deviceKey }));
  return shared;
}

export function testConfig(overrides: Partial<ConnectorConfig> = {}): ConnectorConfig {
  return {
    hosts: ['127.0.0.1'],
    port: TEST_PORT,
    dataDir: '/nonexistent/t1c-test',
    readers: { backend: 'embedded', embedded: { host: '127.0.0.1', ports: [] } },
    bounds: { apduTimeoutMs: 1000, operationDeadlineMs: 5000, queueLimit: 4 },
    cors: { allowedOrigins: [] },
    allowedHosts: [],
    auth: { mode: 'none' },
    emv: { fullPan: false },
    log: { level: 'silent' },
    ...overrides,
  };
}

/** An app over FakeReaders with `auth: none`, port 51983 and silent logs unless overridden. */
export async function testApp(overrides: Partial<Omit<AppDeps, 'config' | 'tls' | 'deviceKey'>> & { config?: Partial<ConnectorConfig> } = {}): Promise<ConnectorApp> {
  const { tls, deviceKey } = await testCredentials();
  const { config, ...rest } = overrides;
  return buildApp({ readers: new FakeReaders(), ...rest, config: testConfig(config), deviceKey, tls: { cert: tls.certPem, key: tls.keyPem } });
}

/** inject() with a Host header that passes the host check unless the test sets its own. */
export function call(app: ConnectorApp, options: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...options, headers: { host: TEST_HOST, ...options.headers } });
}
