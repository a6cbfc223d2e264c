import { readFileSync, writeFileSync } from 'node:fs';

const RESERVED = '/proc/sys/net/ipv4/ip_local_reserved_ports';

/** The kernel's list ("35963-35978,40000") as ranges. */
export function parseReservedPorts(text: string): [number, number][] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [from, to = from] = part.split('-').map(Number) as [number, number?];
      return [from, to];
    });
}

/**
 * vpcd's ports (35963 on) lie inside Linux's ephemeral range (32768–60999): any outgoing connection on the machine
 * may be given one as its local port, and vpcd then fails to listen there ("Address already in use", a reader
 * missing). Reserving them keeps the kernel from handing them out. Needs root; returns why it could not, or null.
 */
export function reservePorts(from: number, to: number): string | null {
  try {
    const current = readFileSync(RESERVED, 'utf8').trim();
    if (parseReservedPorts(current).some(([a, b]) => a <= from && to <= b)) return null;
    writeFileSync(RESERVED, current ? `${current},${from}-${to}` : `${from}-${to}`);
    return null;
  } catch (e) {
    return `could not reserve ports ${from}-${to} against ephemeral use (${(e as Error).message}): an outgoing connection may take one and keep a vpcd reader from starting`;
  }
}
