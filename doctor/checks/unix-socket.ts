import { connect } from 'node:net';
import { errorCode } from '../http.js';

/** Connects to a Unix socket; resolves with null when it connects, else the error code (ENOENT: no socket). */
export function connectUnix(path: string, timeoutMs = 2_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ path, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (e) => resolve(errorCode(e)));
  });
}
