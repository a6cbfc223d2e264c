import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { connectorHost, type DoctorContext } from '../context.js';
import { result, type CheckResult } from '../types.js';

const ID = 'name.resolution';
const TITLE = 'name resolution';

const isLoopback = (address: string): boolean => address.startsWith('127.') || address === '::1';

/** The addresses `/etc/hosts` (or the given file) gives `name`, in file order. */
export async function hostsEntries(file: string, name: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const wanted = name.toLowerCase();
  const found: string[] = [];
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address && names.some((n) => n.toLowerCase() === wanted)) found.push(address);
  }
  return found;
}

function fixes(name: string): string {
  return (
    `allow the name on the resolver (dnsmasq/Pi-hole: rebind-domain-ok=/${name}/; unbound: private-domain: "${name}"; ` +
    `Fritz!Box: Home Network > Network > DNS rebind protection exceptions: ${name}), or add "127.0.0.1 ${name}" to /etc/hosts`
  );
}

/**
 * The connector's name must resolve to loopback here (TLS-05). /etc/hosts wins; otherwise the DNS answer tells
 * rebind protection (no answer) from a proxy or split DNS (a non-loopback answer).
 */
export async function checkNameResolution(ctx: DoctorContext): Promise<CheckResult> {
  const { options } = ctx;
  const name = connectorHost(options);
  if (isIP(name) !== 0)
    return result(ID, 'name', TITLE, 'n/a', `the connector URL uses the address ${name}, no name to resolve (a web application uses ${options.connectorName}: check it with --connector https://${options.connectorName}:PORT)`);
  const pinned = await hostsEntries(options.hostsFile, name);
  if (pinned.length > 0) {
    if (pinned.every(isLoopback)) return result(ID, 'name', TITLE, 'ok', `${name} → ${pinned.join(', ')} (${options.hostsFile})`);
    return result(ID, 'name', TITLE, 'problem', `${options.hostsFile} maps ${name} to ${pinned.join(', ')}, not to this machine`, `change the line in ${options.hostsFile} to "127.0.0.1 ${name}"`);
  }
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  if (options.dnsServers) resolver.setServers([...options.dnsServers]);
  const servers = resolver.getServers().join(', ') || 'none configured';
  let addresses: string[];
  try {
    addresses = await resolver.resolve4(name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'ERROR';
    if (code === 'ENODATA' || code === 'EREFUSED')
      return result(ID, 'name', TITLE, 'problem', `the resolver (${servers}) gives no address for ${name} (${code}): DNS-rebind protection refuses a public name that points to 127.0.0.1`, fixes(name));
    if (code === 'ENOTFOUND')
      return result(ID, 'name', TITLE, 'problem', `the resolver (${servers}) says ${name} does not exist (NXDOMAIN): a filtering resolver, or a misspelt name`, fixes(name));
    return result(ID, 'name', TITLE, 'problem', `no DNS server answered for ${name} (${servers}: ${code})`, `check the network's DNS (or use 8.8.8.8 / 8.8.4.4), or add "127.0.0.1 ${name}" to /etc/hosts`);
  }
  const foreign = addresses.filter((a) => !isLoopback(a));
  if (foreign.length === 0) return result(ID, 'name', TITLE, 'ok', `${name} → ${addresses.join(', ')} (DNS ${servers})`);
  return result(
    ID,
    'name',
    TITLE,
    'problem',
    `${name} resolves to ${foreign.join(', ')} (DNS ${servers}), not to this machine: a proxy or split DNS answers for it, so the browser would reach that host instead of the connector`,
    `have the DNS administrator let ${name} resolve to 127.0.0.1 (remove the override), or add "127.0.0.1 ${name}" to /etc/hosts`,
  );
}
