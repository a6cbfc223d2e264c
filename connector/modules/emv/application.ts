import { ConnectorError } from '../../errors/index.js';
import { SW, describeSw, type BerTlv } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';
import { expectOk } from '../iso/transparent-file.js';
import { getProcessingOptions, readRecord } from './apdu.js';
import { dataObjects, parseProcessingOptions, parseRecord, type Fci, type ProcessingOptions } from './parse.js';
import { dolData, type TerminalContext } from './terminal.js';

/** A selected application after GET PROCESSING OPTIONS and reading every record its AFL names. */
export interface ApplicationRecords {
  readonly options: ProcessingOptions;
  /** Tag → value over all records (first occurrence wins). */
  readonly objects: ReadonlyMap<number, Buffer>;
}

/** GET PROCESSING OPTIONS with the PDOL filled in (Book 3 §10.1). A refusal (`6985`) means this application can't run. */
export async function initiate(channel: CardChannel, fci: Fci, terminal?: TerminalContext): Promise<ProcessingOptions> {
  const res = await channel.transmit(getProcessingOptions(dolData(fci.pdol, terminal)));
  if (res.sw === SW.CONDITIONS_NOT_SATISFIED) {
    throw new ConnectorError('ERR_CARD_PROTOCOL', { message: `GET PROCESSING OPTIONS refused: ${describeSw(res.sw)}`, details: { sw: '6985' } });
  }
  expectOk(res, 'GET PROCESSING OPTIONS');
  return parseProcessingOptions(res.data);
}

/** Reads every record the AFL names (Book 3 §10.2); a missing one is a card error. */
export async function readRecords(channel: CardChannel, options: ProcessingOptions): Promise<ApplicationRecords> {
  const records: (readonly BerTlv[])[] = [];
  for (const entry of options.afl) {
    for (let record = entry.first; record <= entry.last; record += 1) {
      const res = expectOk(await channel.transmit(readRecord(entry.sfi, record)), `READ RECORD SFI ${entry.sfi} record ${record}`);
      records.push(parseRecord(res.data));
    }
  }
  return { options, objects: dataObjects(records) };
}

/** Initiates the selected application and reads its records. */
export async function readApplication(channel: CardChannel, fci: Fci, terminal?: TerminalContext): Promise<ApplicationRecords> {
  return readRecords(channel, await initiate(channel, fci, terminal));
}
