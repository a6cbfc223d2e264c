import { readFileSync } from 'node:fs';
import https from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from './lab-error.js';

/** What the connector's `GET /v3/readers` says about one reader (spec §2.3). */
export interface ConnectorReader {
  readonly id: string;
  readonly name: string;
  readonly card?: { readonly atr: string };
}

export interface ConnectorEndpoint {
  readonly port: number;
  readonly caCert: string;
  /** A DS token for the call, when the connector runs with `auth.mode: jwt`. */
  readonly token?: () => string;
}

/** GETs a path of the connector over HTTPS, trusting only its CA (no Origin: a back-end caller); the body of a 200. */
function connectorGet(endpoint: ConnectorEndpoint, path: string): Promise<unknown> {
  const ca = readFileSync(endpoint.caCert);
  return new Promise((resolve, reject) => {
    const headers = endpoint.token ? { authorization: `Bearer ${endpoint.token()}` } : {};
    const request = https.get({ host: '127.0.0.1', port: endpoint.port, path, ca, headers, timeout: 5000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { description?: string };
          if (response.statusCode === 200) resolve(parsed);
          else reject(new LabError('ERR_LAB_CONNECTOR_START', `the connector answered ${path} with ${response.statusCode}: ${parsed.description ?? body.slice(0, 200)}`));
        } catch (e) {
          reject(new LabError('ERR_LAB_CONNECTOR_START', `the connector's ${path} answer is not JSON`, { cause: e }));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (e) => reject(new LabError('ERR_LAB_CONNECTOR_START', `cannot reach the connector's ${path}: ${e.message}`, { cause: e })));
  });
}

/** Lists the connector's readers (`GET /v3/readers`). */
export async function listConnectorReaders(endpoint: ConnectorEndpoint): Promise<ConnectorReader[]> {
  const { data } = (await connectorGet(endpoint, '/v3/readers')) as { data?: unknown };
  if (!Array.isArray(data)) throw new LabError('ERR_LAB_CONNECTOR_START', "the connector's /v3/readers answer has no reader list");
  return data as ConnectorReader[];
}

/**
 * Waits until the connector allows `origin` (its `/info` lists it in `cors`), asking it to sync its allow-list with
 * the DS each round the way the SDK does (`GET /v3/agents`, rate-limited by the connector itself).
 */
export async function waitForConnectorOrigin(endpoint: ConnectorEndpoint, origin: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await connectorGet(endpoint, '/v3/agents');
    const info = (await connectorGet(endpoint, '/info')) as { t1CInfoAPI?: { cors?: unknown } };
    const cors = info.t1CInfoAPI?.cors;
    if (Array.isArray(cors) && cors.includes(origin)) return;
    if (Date.now() >= deadline) throw new LabError('ERR_LAB_CONNECTOR_START', `the connector did not allow ${origin} within ${timeoutMs} ms (its CORS list: ${JSON.stringify(cors ?? [])})`);
    await delay(50);
  }
}

/**
 * Waits until the connector's reader list satisfies `ready` (the connector publishes no events to the lab, so
 * this asks every 50 ms, up to a deadline). Returns the last list.
 */
export async function waitForConnectorReaders(
  endpoint: ConnectorEndpoint,
  ready: (readers: readonly ConnectorReader[]) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<ConnectorReader[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const readers = await listConnectorReaders(endpoint);
    if (ready(readers)) return readers;
    if (Date.now() >= deadline) {
      const seen = readers.map((r) => `${r.name}${r.card ? ' (card ' + r.card.atr + ')' : ''}`).join(', ') || 'no readers';
      throw new LabError('ERR_LAB_READER_TIMEOUT', `the connector did not show ${what} within ${timeoutMs} ms (it shows: ${seen})`);
    }
    await delay(50);
  }
}
