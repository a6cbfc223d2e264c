import { ConnectorError } from '../../errors/index.js';
import { SW, describeSw, encodePinBlock, isVerifyFailed, triesLeft, type ResponseApdu } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';
import type { DigestAlgorithm } from '../crypto/digests.js';
import { expectOk, selectPath } from '../iso/transparent-file.js';
import { BEID_FILE, BEID_KEY, logOff, mseSet, path, psoComputeSignature, verifyPin as verifyApdu } from './apdu.js';
import type { BeidCardType } from './card-type.js';
import { signatureRecipe, type Padding } from './signing.js';

/**
 * VERIFY with the PIN as a format-2 block. The block is zeroed as soon as it is sent; the caller zeroes the PIN.
 * Wrong → ERR_PIN_WRONG with tries left; blocked → ERR_PIN_BLOCKED.
 */
export async function verify(channel: CardChannel, pin: Buffer): Promise<void> {
  let block: Buffer;
  try {
    block = encodePinBlock(pin);
  } catch (e) {
    throw new ConnectorError('ERR_PIN_FORMAT', { cause: e });
  }
  let res: ResponseApdu;
  try {
    res = await channel.transmit(verifyApdu(block));
  } finally {
    block.fill(0);
  }
  if (res.sw === SW.OK) return;
  const left = triesLeft(res.sw);
  if (left === 0 || res.sw === SW.AUTH_METHOD_BLOCKED) throw new ConnectorError('ERR_PIN_BLOCKED', { details: { triesLeft: 0 } });
  if (isVerifyFailed(res.sw) && left !== null) throw new ConnectorError('ERR_PIN_WRONG', { details: { triesLeft: left } });
  throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `VERIFY failed: ${describeSw(res.sw)}` });
}

/** Runs a PIN operation and always clears the card's security state afterwards, whatever happened. */
async function withLogOff<T>(channel: CardChannel, operation: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await operation();
  } catch (e) {
    // The operation failed: still log off, but report the operation's error (the session resets the card too).
    await channel.transmit(logOff()).catch(() => undefined);
    throw e;
  }
  // A card that can't log off must not keep a verified PIN: the error makes the session reset it.
  expectOk(await channel.transmit(logOff()), 'LOG OFF');
  return result;
}

export async function verifyPin(channel: CardChannel, pin: Buffer): Promise<void> {
  await withLogOff(channel, () => verify(channel, pin));
}

export interface SignRequest {
  readonly key: 'authentication' | 'nonRepudiation';
  readonly digest: DigestAlgorithm;
  readonly hash: Buffer;
  readonly padding: Padding;
  readonly pin: Buffer;
}

/**
 * MSE SET, VERIFY, PSO:CDS — in that order, so PSO directly follows VERIFY as the non-repudiation key demands
 * ("PIN just before", cards.md §1.7) — then LOG OFF. RSA answers the signature, EC answers r‖s.
 */
/** What a BeID key can sign to: RSA 1024–4096 bits (a modulus' length), ECDSA r‖s on P-256, P-384 or P-521. */
const SIGNATURE_LENGTHS: Readonly<Record<BeidCardType['keyType'], readonly number[]>> = { rsa: [128, 256, 384, 512], ec: [64, 96, 132] };

export async function sign(channel: CardChannel, card: BeidCardType, request: SignRequest): Promise<Buffer> {
  const recipe = signatureRecipe(card, request.digest, request.hash, request.padding);
  const keyRef = request.key === 'nonRepudiation' ? BEID_KEY.NON_REPUDIATION : BEID_KEY.AUTHENTICATION;
  return withLogOff(channel, async () => {
    expectOk(await selectPath(channel, path(BEID_FILE.DF_BELPIC)), 'SELECT DF(BELPIC)');
    const mse = await channel.transmit(mseSet(recipe.algorithmRef, keyRef));
    if (mse.sw === SW.WRONG_DATA || mse.sw === SW.REFERENCE_DATA_NOT_FOUND) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED');
    expectOk(mse, 'MSE SET');
    await verify(channel, request.pin);
    const res = await channel.transmit(psoComputeSignature(recipe.dataToBeSigned));
    if (res.sw === SW.SECURITY_STATUS_NOT_SATISFIED) throw new ConnectorError('ERR_CARD_SECURITY_STATUS');
    expectOk(res, 'PSO: COMPUTE DIGITAL SIGNATURE');
    if (!SIGNATURE_LENGTHS[card.keyType].includes(res.data.length)) {
      throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `a ${card.keyType} signature of ${res.data.length} bytes` });
    }
    return Buffer.from(res.data);
  });
}
