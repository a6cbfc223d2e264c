import { isIP } from 'node:net';
import { encodeBerTlv } from '../protocol/index.js';

/** The names a connector certificate may carry: the vendor's loopback name, localhost and the loopback IPs. */
export const LOOPBACK_DNS_NAMES = ['t1c.t1t.io', 'localhost'] as const;
export const LOOPBACK_IPS = ['127.0.0.1', '::1'] as const;

export const NAME_CONSTRAINTS_OID = '2.5.29.30';

const DER_SEQUENCE = 0x30;
const PERMITTED_SUBTREES = 0xa0; // [0] IMPLICIT, constructed
const GENERAL_NAME_DNS = 0x82; // [2] IMPLICIT IA5String
const GENERAL_NAME_IP = 0x87; // [7] IMPLICIT OCTET STRING

/** IPv4 or IPv6 address bytes followed by an all-ones mask of the same length: one host. */
function hostSubnet(ip: string): Buffer {
  const version = isIP(ip);
  if (version === 4) return Buffer.concat([Buffer.from(ip.split('.').map(Number)), Buffer.alloc(4, 0xff)]);
  if (version === 6 && ip === '::1') return Buffer.concat([Buffer.alloc(15), Buffer.from([1]), Buffer.alloc(16, 0xff)]);
  throw new Error(`no subnet encoding for ${ip}`);
}

/**
 * DER of the NameConstraints extension value (RFC 5280 §4.2.1.10) permitting only the loopback names:
 * dNSName t1c.t1t.io and localhost, iPAddress 127.0.0.1/32 and ::1/128. Other name types stay unconstrained,
 * so a leaf's subject DN is still free.
 */
export function loopbackNameConstraints(): Buffer {
  const subtrees = [
    ...LOOPBACK_DNS_NAMES.map((name) => encodeBerTlv(GENERAL_NAME_DNS, Buffer.from(name, 'ascii'))),
    ...LOOPBACK_IPS.map((ip) => encodeBerTlv(GENERAL_NAME_IP, hostSubnet(ip))),
  ].map((generalName) => encodeBerTlv(DER_SEQUENCE, generalName));
  return encodeBerTlv(DER_SEQUENCE, [encodeBerTlv(PERMITTED_SUBTREES, subtrees)]);
}
