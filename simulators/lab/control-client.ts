import net from 'node:net';
import { LabError, type LabErrorCode } from './lab-error.js';
import { LineDecoder, type ControlBody, type ControlResponse } from './control-protocol.js';
import type { LabState } from './state.js';

let nextId = 1;

/** Sends one request to the supervisor and returns the state it answers with; errors become LabErrors. */
export function sendControl(socketPath: string, body: ControlBody, timeoutMs = 60_000): Promise<LabState> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const decoder = new LineDecoder();
    let settled = false;
    const finish = (error: Error | null, state?: LabState): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(state!);
    };
    const timer = setTimeout(() => finish(new LabError('ERR_LAB_CONTROL', `the lab supervisor did not answer "${body.op}" within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => socket.write(JSON.stringify({ ...body, id }) + '\n'));
    socket.on('data', (chunk) => {
      for (const line of decoder.push(chunk)) {
        const response = JSON.parse(line) as ControlResponse;
        if (response.id !== id) continue;
        if (response.ok) finish(null, response.state);
        else finish(new LabError(response.code === 'ERR_LAB_INTERNAL' ? 'ERR_LAB_SUPERVISOR' : (response.code as LabErrorCode), response.error));
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      const down = e.code === 'ENOENT' || e.code === 'ECONNREFUSED';
      finish(down ? new LabError('ERR_LAB_NOT_UP', `no lab is up (nothing answers on ${socketPath})`) : new LabError('ERR_LAB_CONTROL', `control socket: ${e.message}`, { cause: e }));
    });
    socket.on('close', () => finish(new LabError('ERR_LAB_CONTROL', `the lab supervisor closed the control socket without answering "${body.op}"`)));
  });
}
