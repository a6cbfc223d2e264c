import { request } from 'node:https';

/** The name the connector's certificate is checked against (it also carries localhost and the loopback IPs). */
export const CONNECTOR_NAME = 't1c.t1t.io';

export interface ProbeAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** One HTTPS GET to the connector on 127.0.0.1, verifying its certificate for t1c.t1t.io against `ca` only. */
export function probe(port: number, path: string, ca: string, timeoutMs = 3_000): Promise<ProbeAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', ca, servername: CONNECTOR_NAME, headers: { host: `${CONNECTOR_NAME}:${port}` }, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from port ${port} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits for the connector's first `/info` answer (200) and returns how long it took from `since` (ms). Retries on
 * refused connections while `alive()` holds, with a short growing backoff; gives up at the deadline.
 */
export async function waitForInfo(port: number, ca: string, options: { since: number; timeoutMs: number; alive?: () => Promise<boolean> | boolean }): Promise<number> {
  const deadline = options.since + options.timeoutMs;
  let lastError = 'no attempt';
  for (let wait = 2; Date.now() < deadline; wait = Math.min(wait * 2, 50)) {
    try {
      const answer = await probe(port, '/info', ca);
      if (answer.status === 200) return Date.now() - options.since;
      lastError = `status ${answer.status}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (options.alive && !(await options.alive())) throw new Error(`the connector exited before answering /info (${lastError})`);
    await new Promise((r) => setTimeout(r, wait));
  }
  throw new Error(`the connector did not answer /info on port ${port} within ${options.timeoutMs} ms (${lastError})`);
}
