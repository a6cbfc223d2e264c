import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { VPCD_BASE_PORT } from '../lab/pcscd-config.js';
import { BLOCK_SIZE, cardHostFor, FIRST_BLOCK, freeVpcdBlock } from './ports.js';

describe('vpcd ports and card addresses of container labs', () => {
  it('skips a block where a port is taken, and never overlaps the local lab', async () => {
    const base = await freeVpcdBlock(2);
    expect(base).toBeGreaterThanOrEqual(FIRST_BLOCK);
    expect(base >= VPCD_BASE_PORT + 16 || base + BLOCK_SIZE <= VPCD_BASE_PORT).toBe(true);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen({ port: base + 1, host: '0.0.0.0' }, resolve));
    try {
      expect(await freeVpcdBlock(2, base)).toBeGreaterThanOrEqual(base + BLOCK_SIZE);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('gives each port block its own loopback address', () => {
    const hosts = [0, 1, 2, 100].map((i) => cardHostFor(FIRST_BLOCK + i * BLOCK_SIZE));
    expect(new Set(hosts).size).toBe(hosts.length);
    for (const host of hosts) expect(host).toMatch(/^127\.77\.\d{1,3}\.\d{1,3}$/);
  });
});
