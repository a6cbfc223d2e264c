import { chmodSync, rmSync } from 'node:fs';
import net from 'node:net';
import { isLabError } from './lab-error.js';
import { LineDecoder, parseRequest, type ControlRequest, type ControlResponse } from './control-protocol.js';
import type { LabState } from './state.js';

export type ControlHandler = (request: ControlRequest) => Promise<LabState>;

export interface ControlServer {
  close(): Promise<void>;
}

/**
 * Serves the control socket. Requests run one at a time in arrival order (an insert never races a remove);
 * the socket is readable by its owner only — whoever reaches it can insert cards.
 */
export async function serveControl(socketPath: string, handle: ControlHandler): Promise<ControlServer> {
  rmSync(socketPath, { force: true });
  let queue: Promise<void> = Promise.resolve();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new LineDecoder();
    socket.on('data', (chunk) => {
      for (const line of decoder.push(chunk)) {
        queue = queue.then(() => answer(socket, line, handle));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(socketPath, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
        for (const socket of sockets) socket.end();
      }),
  };
}

async function answer(socket: net.Socket, line: string, handle: ControlHandler): Promise<void> {
  const request = parseRequest(line);
  let response: ControlResponse;
  if (!request) {
    response = { id: -1, ok: false, code: 'ERR_LAB_CONTROL', error: 'malformed control request' };
  } else {
    try {
      response = { id: request.id, ok: true, state: await handle(request) };
    } catch (e) {
      response = isLabError(e)
        ? { id: request.id, ok: false, code: e.code, error: e.message }
        : { id: request.id, ok: false, code: 'ERR_LAB_INTERNAL', error: e instanceof Error ? e.message : String(e) };
    }
  }
  if (!socket.destroyed) socket.write(JSON.stringify(response) + '\n');
}
