import { existsSync } from 'node:fs';
import net from 'node:net';

/** The socket of the engine `scripts/docker-engine.mjs start` runs (when no other engine answers). */
export const LAB_ENGINE_SOCKET = '/run/t1c-docker/docker.sock';
export const DEFAULT_ENGINE_SOCKET = '/var/run/docker.sock';

/** True when a Docker engine answers `GET /_ping` on this unix socket. */
export function enginePings(socketPath: string, timeoutMs = 2000): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    let answer = '';
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => socket.write('GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.includes('\r\n\r\nOK')) finish(true);
    });
    socket.once('end', () => finish(answer.includes('\r\n\r\nOK')));
    socket.once('error', () => finish(false));
  });
}

/** Candidate sockets in order: DOCKER_HOST (unix only), the default socket, the lab's own engine. */
export function engineCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const host = env['DOCKER_HOST'];
  const fromEnv = host?.startsWith('unix://') ? host.slice('unix://'.length) : null;
  return [...new Set([...(fromEnv ? [fromEnv] : []), DEFAULT_ENGINE_SOCKET, LAB_ENGINE_SOCKET])];
}

/**
 * Finds an engine that answers and points this process at it — DOCKER_HOST for the docker CLI and testcontainers,
 * plus testcontainers' settings for an engine without a registry (lab-recipe.md): no Ryuk (it would be pulled),
 * the host reached as localhost. Returns the socket, or null when no engine answers (the caller says so).
 */
export async function useEngine(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  for (const socket of engineCandidates(env)) {
    if (await enginePings(socket)) {
      env['DOCKER_HOST'] = `unix://${socket}`;
      env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
      env['TESTCONTAINERS_HOST_OVERRIDE'] = 'localhost';
      return socket;
    }
  }
  return null;
}
