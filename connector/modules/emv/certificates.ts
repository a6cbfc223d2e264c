import { ConnectorError } from '../../errors/index.js';
import { EMV_TAG } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';
import { readApplication } from './application.js';
import { selectApplication } from './selection.js';
import type { TerminalContext } from './terminal.js';

/** An EMV public-key certificate as the API returns it (spec §8.2, ≥ 3.6.0): binary values in base64. */
export interface PaymentCertificate {
  readonly certificate: string;
  readonly exponent: string;
  /** Absent when the whole key fits in the certificate. */
  readonly remainder?: string;
}

/** The API's names for the two certificates, with the tags that hold certificate, exponent and remainder. */
export const PAYMENT_CERTIFICATES = {
  issuerPublicCertificate: { certificate: EMV_TAG.ISSUER_PK_CERTIFICATE, exponent: EMV_TAG.ISSUER_PK_EXPONENT, remainder: EMV_TAG.ISSUER_PK_REMAINDER },
  ICCPublicCertificate: { certificate: EMV_TAG.ICC_PK_CERTIFICATE, exponent: EMV_TAG.ICC_PK_EXPONENT, remainder: EMV_TAG.ICC_PK_REMAINDER },
} as const;

export type PaymentCertificateName = keyof typeof PAYMENT_CERTIFICATES;
export const PAYMENT_CERTIFICATE_NAMES = Object.keys(PAYMENT_CERTIFICATES) as PaymentCertificateName[];

function entry(objects: ReadonlyMap<number, Buffer>, name: PaymentCertificateName): PaymentCertificate | null {
  const tags = PAYMENT_CERTIFICATES[name];
  const certificate = objects.get(tags.certificate);
  const exponent = objects.get(tags.exponent);
  if (!certificate || !exponent) return null;
  const remainder = objects.get(tags.remainder);
  return { certificate: certificate.toString('base64'), exponent: exponent.toString('base64'), ...(remainder ? { remainder: remainder.toString('base64') } : {}) };
}

/** The requested certificates of application `aid` (all when `names` is empty); those it lacks are left out. */
export async function readPaymentCertificates(
  channel: CardChannel,
  aid: Uint8Array,
  names: readonly PaymentCertificateName[],
  terminal?: TerminalContext,
): Promise<Partial<Record<PaymentCertificateName, { certificates: PaymentCertificate[] }>>> {
  const fci = await selectApplication(channel, aid);
  const { objects } = await readApplication(channel, fci, terminal);
  const out: Partial<Record<PaymentCertificateName, { certificates: PaymentCertificate[] }>> = {};
  for (const name of names.length > 0 ? names : PAYMENT_CERTIFICATE_NAMES) {
    const found = entry(objects, name);
    if (found) out[name] = { certificates: [found] };
  }
  return out;
}

/** One certificate in the ≥ 3.6 shape; one the application lacks is an error, never `[]` (spec §8.1). */
export async function readPaymentCertificate(channel: CardChannel, aid: Uint8Array, name: PaymentCertificateName, terminal?: TerminalContext): Promise<{ certificates: PaymentCertificate[] }> {
  const found = (await readPaymentCertificates(channel, aid, [name], terminal))[name];
  if (!found) throw new ConnectorError('ERR_CERTIFICATE_NOT_FOUND', { details: { certificate: name } });
  return found;
}
