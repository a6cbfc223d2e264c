import net from 'node:net';
import { PCSCD_MAX_READERS, VPCD_BASE_PORT } from '../lab/pcscd-config.js';

/**
 * vpcd ports for labs in containers. They share the host's network, so each lab needs ports of its own: a block
 * of `PCSCD_MAX_READERS` ports above the local lab's (35963…35978), the first free one from `FIRST_BLOCK` on.
 * vpcd listens on every address, so a port counts as free when it can be bound on all of them.
 */
export const FIRST_BLOCK = 36096;
export const BLOCK_SIZE = PCSCD_MAX_READERS;
const LAST_BLOCK = 60_000;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first block of `count` consecutive free ports (block-aligned, never the local lab's). */
export async function freeVpcdBlock(count: number, from: number = FIRST_BLOCK): Promise<number> {
  for (let base = from; base + BLOCK_SIZE <= LAST_BLOCK; base += BLOCK_SIZE) {
    if (base < VPCD_BASE_PORT + PCSCD_MAX_READERS && base + BLOCK_SIZE > VPCD_BASE_PORT) continue;
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await portFree(port);
    if (free) return base;
  }
  throw new Error(`no ${count} free consecutive ports between ${from} and ${LAST_BLOCK}`);
}

/**
 * The loopback address a lab's cards connect from to reach vpcd: one per port block, so each lab has a quickack
 * route of its own (route.ts) that it can remove without slowing another lab down.
 */
export function cardHostFor(base: number): string {
  return `127.77.${(base >> 8) & 0xff}.${(base & 0xff) | 1}`;
}
