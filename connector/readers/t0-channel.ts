import {
  command,
  redactCommandApdu,
  decodeResponse,
  encodeCommand,
  isBytesAvailable,
  isWrongLe,
  needsExtended,
  sw2,
  type CommandApdu,
  type ResponseApdu,
} from '../protocol/index.js';
import { ConnectorError } from '../errors/index.js';
import type { CardChannel } from './types.js';
import type { ApduTracer, RawCard } from './raw-card.js';
import { performance } from 'node:perf_hooks';

const GET_RESPONSE_INS = 0xc0;
/** More GET RESPONSE rounds than any real answer needs (64 KiB in 256-byte chunks): a card past this is looping. */
const MAX_GET_RESPONSE_ROUNDS = 256;
const MAX_RESPONSE_BYTES = 65_536 + 2;

export type Transmit = (bytes: Buffer) => Promise<Buffer>;

/**
 * Sends one command and returns the whole answer, doing the T=0 work once for every module:
 * case 4 goes out without Le on T=0, `61xx` is followed by GET RESPONSE until the card is done, and
 * `6Cxx` re-sends the command once with the Le the card asked for. A card that keeps answering
 * `61xx`, ping-pongs `6Cxx` or answers too much gets ERR_CARD_PROTOCOL instead of a hang.
 */
export async function transmitApdu(transmit: Transmit, protocol: 0 | 1, cmd: CommandApdu): Promise<ResponseApdu> {
  if (protocol === 0 && needsExtended(cmd)) {
    throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'extended-length APDU on a T=0 card' });
  }
  const first = protocol === 0 && cmd.data.length > 0 && cmd.le !== null ? { ...cmd, le: null } : cmd;
  let res = await exchange(transmit, first);
  if (isWrongLe(res.sw)) {
    const le = sw2(res.sw) === 0 ? 256 : sw2(res.sw);
    res = await exchange(transmit, { ...cmd, le });
    if (isWrongLe(res.sw)) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'card answered 6Cxx twice' });
  }
  if (!isBytesAvailable(res.sw)) return res;
  const chunks: Uint8Array[] = [res.data];
  let total = res.data.length;
  for (let round = 0; round < MAX_GET_RESPONSE_ROUNDS; round += 1) {
    const le = sw2(res.sw) === 0 ? 256 : sw2(res.sw);
    res = await exchange(transmit, command(cmd.cla & 0x03, GET_RESPONSE_INS, 0, 0, undefined, le));
    if (isWrongLe(res.sw)) {
      res = await exchange(transmit, command(cmd.cla & 0x03, GET_RESPONSE_INS, 0, 0, undefined, sw2(res.sw) || 256));
    }
    chunks.push(res.data);
    total += res.data.length;
    if (total > MAX_RESPONSE_BYTES) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'card answered more than 64 KiB' });
    if (!isBytesAvailable(res.sw)) return { data: Buffer.concat(chunks), sw: res.sw };
  }
  throw new ConnectorError('ERR_CARD_PROTOCOL', { message: 'card kept answering 61xx' });
}

async function exchange(transmit: Transmit, cmd: CommandApdu): Promise<ResponseApdu> {
  const bytes = encodeCommand(cmd);
  let answer: Buffer;
  try {
    answer = await transmit(bytes);
  } finally {
    bytes.fill(0); // the encoded command may carry a PIN block (PIN-02); nothing reads it after the exchange
  }
  if (answer.length < 2 || answer.length > MAX_RESPONSE_BYTES) {
    throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `card answered ${answer.length} bytes` });
  }
  return decodeResponse(answer);
}

/** A CardChannel over a raw card; `guard` bounds every exchange with the card (timeouts, removal). */
export function createChannel(readerId: string, raw: RawCard, guard: <T>(p: Promise<T>) => Promise<T>, trace?: ApduTracer, label?: string): CardChannel {
  const transmit: Transmit = trace
    ? async (bytes) => {
        const started = performance.now();
        let response: Buffer | null = null;
        try {
          response = await guard(raw.transmit(bytes));
          return response;
        } finally {
          trace({ readerId, atr: raw.atr, command: redactCommandApdu(bytes), response, micros: Math.round((performance.now() - started) * 1000), ...(label === undefined ? {} : { label }) });
        }
      }
    : (bytes) => guard(raw.transmit(bytes));
  return {
    readerId,
    atr: raw.atr,
    transmit: (cmd) => transmitApdu(transmit, raw.protocol, cmd),
    reset: () => guard(raw.reset()),
  };
}

