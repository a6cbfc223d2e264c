import { ConnectorError } from '../../errors/index.js';
import { EMV_TAG, SW, describeSw, encodePinBlock, isVerifyFailed, triesLeft, type ResponseApdu } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';
import { getData, verifyPlaintextPin } from './apdu.js';
import { initiate } from './application.js';
import { parseDataObject } from './parse.js';
import { candidateList, selectFirstUsable } from './selection.js';
import type { TerminalContext } from './terminal.js';

function pinBlockOf(pin: Buffer): Buffer {
  try {
    return encodePinBlock(pin);
  } catch (e) {
    throw new ConnectorError('ERR_PIN_FORMAT', { cause: e });
  }
}

/** The PIN try counter (GET DATA 9F17), or null when the card doesn't tell. */
async function pinTryCounter(channel: CardChannel): Promise<number | null> {
  const res = await channel.transmit(getData(EMV_TAG.PIN_TRY_COUNTER));
  if (res.sw !== SW.OK) return null;
  try {
    return parseDataObject(res.data, EMV_TAG.PIN_TRY_COUNTER)?.[0] ?? null;
  } catch {
    return null;
  }
}

function outcome(res: ResponseApdu): void {
  if (res.sw === SW.OK) return;
  const left = triesLeft(res.sw);
  if (left === 0 || res.sw === SW.AUTH_METHOD_BLOCKED) throw new ConnectorError('ERR_PIN_BLOCKED', { details: { triesLeft: 0 } });
  if (isVerifyFailed(res.sw) && left !== null) throw new ConnectorError('ERR_PIN_WRONG', { details: { triesLeft: left } });
  throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `VERIFY failed: ${describeSw(res.sw)}`, details: { sw: res.sw.toString(16).toUpperCase() } });
}

/**
 * Offline plaintext PIN verification as a terminal runs it (Book 3 §10.5): final selection of the first usable
 * application, GET PROCESSING OPTIONS, the PIN try counter (a counter at 0 is ERR_PIN_BLOCKED without spending
 * anything), then VERIFY. Wrong → ERR_PIN_WRONG with tries left; blocked → ERR_PIN_BLOCKED. The card is reset
 * afterwards whatever happened, so no verified PIN outlives the request. The caller zeroes `pin`.
 */
export async function verifyPaymentPin(channel: CardChannel, pin: Buffer, terminal?: TerminalContext): Promise<void> {
  const block = pinBlockOf(pin);
  try {
    const { fci } = await selectFirstUsable(channel, await candidateList(channel));
    await initiate(channel, fci, terminal);
    if ((await pinTryCounter(channel)) === 0) throw new ConnectorError('ERR_PIN_BLOCKED', { details: { triesLeft: 0 } });
    outcome(await channel.transmit(verifyPlaintextPin(block)));
  } finally {
    block.fill(0);
    await channel.reset().catch(() => undefined);
  }
}
