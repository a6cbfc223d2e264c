import { ConnectorError } from '../../errors/index.js';
import { CLA_ISO, INS, SELECT_P1, SELECT_P2, SW, command, describeSw, type ResponseApdu } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';

/** Largest transparent file a module will read: a bound against a card that never reports end of file. */
const MAX_FILE_BYTES = 64 * 1024;
const CHUNK = 256;

/** Throws a card-protocol error naming the command and the status word. */
export function expectOk(res: ResponseApdu, what: string): ResponseApdu {
  if (res.sw !== SW.OK) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `${what} failed: ${describeSw(res.sw)}`, details: { sw: res.sw.toString(16).toUpperCase() } });
  return res;
}

/** SELECT by absolute path (P1=08, the path including 3F00 as every client sends it), no FCI. */
export async function selectPath(channel: CardChannel, path: Uint8Array): Promise<ResponseApdu> {
  return channel.transmit(command(CLA_ISO, INS.SELECT, SELECT_P1.PATH_FROM_MF, SELECT_P2.NO_RESPONSE_DATA, path));
}

/**
 * Reads a whole transparent EF: READ BINARY in 256-byte steps until the card says end of file (`6B00`, or a
 * short chunk — the channel already followed `6Cxx`). Cards pad files with zeros; the caller trims.
 */
export async function readBinaryFile(channel: CardChannel): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < MAX_FILE_BYTES) {
    const res = await channel.transmit(command(CLA_ISO, INS.READ_BINARY, offset >> 8, offset & 0xff, undefined, CHUNK));
    if (res.sw === SW.WRONG_P1P2 && offset > 0) break;
    expectOk(res, 'READ BINARY');
    chunks.push(Buffer.from(res.data));
    offset += res.data.length;
    if (res.data.length < CHUNK) break;
  }
  if (offset >= MAX_FILE_BYTES) throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `file larger than ${MAX_FILE_BYTES} bytes` });
  return Buffer.concat(chunks);
}

export async function readFileAt(channel: CardChannel, path: Uint8Array): Promise<Buffer> {
  const res = await selectPath(channel, path);
  if (res.sw === SW.FILE_NOT_FOUND) throw new ConnectorError('ERR_CARD_FILE_NOT_FOUND', { details: { path: Buffer.from(path).toString('hex').toUpperCase() } });
  expectOk(res, 'SELECT');
  return readBinaryFile(channel);
}
