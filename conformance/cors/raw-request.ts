import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/**
 * One raw HTTP/1.1 request over TLS to the target, written byte for byte (a Host header no client library would
 * send, an absolute-form target, an Upgrade). Trusts only the target's CA and checks its name. Resolves with the
 * status line's code (0 when the server closed without one) and the head.
 */
export function rawRequest(url: string, caCert: string, lines: readonly string[]): Promise<{ status: number; head: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: target.hostname, port: Number(target.port), ca: readFileSync(caCert), ...(/^[\d.]+$/.test(target.hostname) ? {} : { servername: target.hostname }) }, () => {
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
    socket.on('data', (chunk: string) => {
      data += chunk;
      const end = data.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.destroy();
        const head = data.slice(0, end);
        resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: 0, head: data }));
  });
}
