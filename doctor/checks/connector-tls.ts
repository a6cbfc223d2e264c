import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { connectorHost, connectorTrust, type DoctorContext } from '../context.js';
import { errorCode, errorMessage } from '../http.js';
import { result, type CheckResult } from '../types.js';
import { connectorPort } from './connector-reachable.js';

const ID = 'connector.tls';
const TITLE = 'connector certificate';

interface Handshake {
  readonly error: unknown;
  readonly chain: readonly DetailedPeerCertificate[];
}

/** A verified TLS handshake (never with verification off): the error, or the chain as Node built it. */
export function handshake(host: string, port: number, servername: string, ca: readonly string[], timeoutMs = 5_000): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, servername, ca: [...ca], timeout: timeoutMs, ALPNProtocols: ['http/1.1'] });
    socket.once('secureConnect', () => {
      const chain: DetailedPeerCertificate[] = [];
      for (let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); cert && cert.raw && !chain.includes(cert); cert = cert.issuerCertificate) {
        chain.push(cert);
        if (cert.issuerCertificate === cert) break;
      }
      socket.destroy();
      resolve({ error: null, chain });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ error: Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }), chain: [] });
    });
    socket.once('error', (error) => resolve({ error, chain: [] }));
  });
}

export function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED']);

/**
 * The connector's certificate is valid for its name (t1c.t1t.io when the URL is an address) and chains to the
 * trusted store: the system's, or the CA given with --ca. Records the CA for the browser store check.
 */
export async function checkConnectorTls(ctx: DoctorContext): Promise<CheckResult> {
  const { options } = ctx;
  const host = connectorHost(options);
  const name = isIP(host) !== 0 ? options.connectorName : host;
  const trust = connectorTrust(options);
  const { error, chain } = await handshake(host, connectorPort(options.connectorUrl), name, trust.pems);
  if (!error) {
    const leaf = chain[0];
    const root = chain[chain.length - 1];
    if (root && root !== leaf) ctx.facts.connectorCaPem = toPem(root.raw);
    else if (options.ca) ctx.facts.connectorCaPem = options.ca.pem;
    return result(ID, 'connector', TITLE, 'ok', `valid for ${name}, issued by ${leaf?.issuer.CN ?? 'an unnamed CA'}, until ${leaf?.valid_to ?? '?'}; trusted by ${trust.source}`);
  }
  const code = errorCode(error);
  const install = options.ca
    ? `check that ${options.ca.source} is the CA of this connector (its installation mints its own CA)`
    : 'trust the connector CA: t1c-lab connector install adds it to the system and browser stores (or: sudo cp CA.pem /usr/local/share/ca-certificates/t1c.crt && sudo update-ca-certificates), or give it with --ca FILE';
  if (UNTRUSTED.has(code)) return result(ID, 'connector', TITLE, 'problem', `the certificate is not trusted by ${trust.source} (${code})`, install);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return result(ID, 'connector', TITLE, 'problem', `the certificate is not valid for ${name}: ${errorMessage(error)}`, `reinstall the connector (t1c-lab connector install issues a certificate for ${options.connectorName}, localhost and 127.0.0.1), or use the name it was issued for`);
  if (code === 'CERT_HAS_EXPIRED')
    return result(ID, 'connector', TITLE, 'problem', 'the certificate has expired', 'renew it: t1c-lab connector install issues a fresh one (and check the clock: date; timedatectl)');
  if (code === 'CERT_NOT_YET_VALID')
    return result(ID, 'connector', TITLE, 'problem', 'the certificate is not valid yet: this machine\'s clock is behind', 'set the clock right: sudo timedatectl set-ntp true');
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT')
    return result(ID, 'connector', TITLE, 'n/a', `no TLS handshake: the connector is not reachable (${code})`);
  return result(ID, 'connector', TITLE, 'problem', `TLS handshake failed (${code}): ${errorMessage(error)}`, 'make sure the port is the connector\'s HTTPS port and no proxy or other program answers on it');
}
