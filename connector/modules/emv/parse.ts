import { ConnectorError } from '../../errors/index.js';
import { EMV_TAG, decodeBerTlv, decodeDol, findBerTlv, isProtocolError, type BerTlv, type DolEntry } from '../../protocol/index.js';

/**
 * Pure decoders for what an EMV card answers (Books 1 and 3). Anything malformed is ERR_CARD_PROTOCOL naming
 * what was being read, never a TypeError: these run on bytes a card chose.
 */

function cardError(what: string, cause?: unknown): ConnectorError {
  return new ConnectorError('ERR_CARD_PROTOCOL', { message: `malformed ${what}`, ...(cause === undefined ? {} : { cause }) });
}

function tlv(bytes: Uint8Array, what: string): BerTlv[] {
  try {
    return decodeBerTlv(bytes);
  } catch (e) {
    if (isProtocolError(e)) throw cardError(what, e);
    throw e;
  }
}

function template(bytes: Uint8Array, tag: number, what: string): BerTlv {
  const objects = tlv(bytes, what);
  const top = objects[0];
  if (objects.length !== 1 || top?.tag !== tag || !top.children) throw cardError(what);
  return top;
}

const ascii = (o: BerTlv | undefined): string | undefined => (o ? Buffer.from(o.value).toString('latin1').replace(/[^\x20-\x7e]/g, '').trim() : undefined);

/** File control information of the PSE or of an application (`6F [84][A5 …]`). */
export interface Fci {
  readonly dfName: Buffer;
  readonly label?: string;
  readonly preferredName?: string;
  /** Tag 87, low nibble (1 = highest); null when absent. */
  readonly priority: number | null;
  /** Tag 5F2D: up to four two-letter codes, most preferred first. */
  readonly languages: readonly string[];
  /** Tag 88 (PSE only): the directory's short file identifier. */
  readonly sfi: number | null;
  /** Tag 9F38; an application without one gets `83 00` at GET PROCESSING OPTIONS. */
  readonly pdol: readonly DolEntry[];
}

function priorityOf(o: BerTlv | undefined): number | null {
  const b = o?.value[0];
  return b === undefined ? null : b & 0x0f;
}

function languagesOf(o: BerTlv | undefined): string[] {
  const text = ascii(o)?.toLowerCase() ?? '';
  const out: string[] = [];
  for (let i = 0; i + 2 <= text.length && out.length < 4; i += 2) {
    const code = text.slice(i, i + 2);
    if (/^[a-z]{2}$/.test(code)) out.push(code);
  }
  return out;
}

export function parseFci(bytes: Uint8Array): Fci {
  const fci = template(bytes, EMV_TAG.FCI_TEMPLATE, 'FCI');
  const children = fci.children ?? [];
  const name = children.find((c) => c.tag === EMV_TAG.DF_NAME);
  if (!name || name.value.length === 0 || name.value.length > 16) throw cardError('FCI: no DF name');
  const proprietary = children.find((c) => c.tag === EMV_TAG.FCI_PROPRIETARY)?.children ?? [];
  const pick = (tag: number): BerTlv | undefined => proprietary.find((c) => c.tag === tag);
  const pdol = pick(EMV_TAG.PDOL);
  let pdolEntries: DolEntry[] = [];
  try {
    pdolEntries = pdol ? decodeDol(pdol.value) : [];
  } catch (e) {
    throw cardError('PDOL', e);
  }
  const label = ascii(pick(EMV_TAG.APPLICATION_LABEL));
  const preferredName = ascii(pick(EMV_TAG.APPLICATION_PREFERRED_NAME));
  return {
    dfName: Buffer.from(name.value),
    ...(label ? { label } : {}),
    ...(preferredName ? { preferredName } : {}),
    priority: priorityOf(pick(EMV_TAG.APPLICATION_PRIORITY)),
    languages: languagesOf(pick(EMV_TAG.LANGUAGE_PREFERENCE)),
    sfi: pick(EMV_TAG.SFI)?.value[0] ?? null,
    pdol: pdolEntries,
  };
}

/** One entry of a PSE directory record (`61 [4F AID][50 label][87 priority]…`). */
export interface DirectoryEntry {
  readonly aid: Buffer;
  readonly label?: string;
  readonly preferredName?: string;
  readonly priority: number | null;
}

/** A directory record `70 [61 …]…`; entries that are not ADFs (no 4F) are skipped, as Book 1 says. */
export function parseDirectoryRecord(bytes: Uint8Array): DirectoryEntry[] {
  const record = template(bytes, EMV_TAG.RECORD_TEMPLATE, 'directory record');
  const out: DirectoryEntry[] = [];
  for (const entry of (record.children ?? []).filter((c) => c.tag === EMV_TAG.APPLICATION_TEMPLATE)) {
    const kids = entry.children ?? [];
    const aid = kids.find((c) => c.tag === EMV_TAG.AID);
    if (!aid || aid.value.length < 5 || aid.value.length > 16) continue;
    const label = ascii(kids.find((c) => c.tag === EMV_TAG.APPLICATION_LABEL));
    const preferredName = ascii(kids.find((c) => c.tag === EMV_TAG.APPLICATION_PREFERRED_NAME));
    out.push({
      aid: Buffer.from(aid.value),
      ...(label ? { label } : {}),
      ...(preferredName ? { preferredName } : {}),
      priority: priorityOf(kids.find((c) => c.tag === EMV_TAG.APPLICATION_PRIORITY)),
    });
  }
  return out;
}

/** One AFL entry: records `first`..`last` of short file `sfi`, the first `signed` of them for offline authentication. */
export interface AflEntry {
  readonly sfi: number;
  readonly first: number;
  readonly last: number;
  readonly signed: number;
}

export function parseAfl(bytes: Uint8Array): AflEntry[] {
  if (bytes.length === 0 || bytes.length % 4 !== 0) throw cardError(`AFL of ${bytes.length} bytes`);
  const out: AflEntry[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const entry = { sfi: bytes[i]! >> 3, first: bytes[i + 1]!, last: bytes[i + 2]!, signed: bytes[i + 3]! };
    if ((bytes[i]! & 0x07) !== 0 || entry.sfi < 1 || entry.sfi > 30 || entry.first < 1 || entry.last < entry.first || entry.signed > entry.last - entry.first + 1) {
      throw cardError('AFL entry');
    }
    out.push(entry);
  }
  return out;
}

/** What GET PROCESSING OPTIONS answers: the AIP and the AFL, in format 1 (`80`) or 2 (`77 [82][94]`). */
export interface ProcessingOptions {
  readonly aip: Buffer;
  readonly afl: readonly AflEntry[];
}

export function parseProcessingOptions(bytes: Uint8Array): ProcessingOptions {
  const objects = tlv(bytes, 'GET PROCESSING OPTIONS response');
  const top = objects[0];
  if (objects.length !== 1 || !top) throw cardError('GET PROCESSING OPTIONS response');
  if (top.tag === EMV_TAG.RESPONSE_FORMAT_1) {
    if (top.value.length < 6) throw cardError('GET PROCESSING OPTIONS format 1');
    return { aip: Buffer.from(top.value.subarray(0, 2)), afl: parseAfl(top.value.subarray(2)) };
  }
  if (top.tag === EMV_TAG.RESPONSE_FORMAT_2 && top.children) {
    const aip = top.children.find((c) => c.tag === EMV_TAG.AIP);
    const afl = top.children.find((c) => c.tag === EMV_TAG.AFL);
    if (!aip || aip.value.length !== 2 || !afl) throw cardError('GET PROCESSING OPTIONS format 2');
    return { aip: Buffer.from(aip.value), afl: parseAfl(afl.value) };
  }
  throw cardError('GET PROCESSING OPTIONS response');
}

/** The data objects of an application record (`70 …`). */
export function parseRecord(bytes: Uint8Array): readonly BerTlv[] {
  return template(bytes, EMV_TAG.RECORD_TEMPLATE, 'record').children ?? [];
}

/** Tag → value over several records; on a repeated tag the first record wins (Book 3 §10.2 calls it an error). */
export function dataObjects(records: readonly (readonly BerTlv[])[]): ReadonlyMap<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (const objects of records) for (const o of objects) if (!out.has(o.tag)) out.set(o.tag, Buffer.from(o.value));
  return out;
}

/** The value of a one-object answer like GET DATA's `9F17 01 03`; undefined when the answer names another tag. */
export function parseDataObject(bytes: Uint8Array, tag: number): Buffer | undefined {
  const hit = findBerTlv(tlv(bytes, 'GET DATA response'), tag);
  return hit ? Buffer.from(hit.value) : undefined;
}

/** `cn` digits (PAN): the BCD digits up to the first F pad; ERR_CARD_PROTOCOL for any other non-digit. */
export function bcdDigits(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex').toUpperCase();
  const digits = hex.replace(/F+$/, '');
  if (!/^\d*$/.test(digits)) throw cardError('BCD number');
  return digits;
}

/** A YYMMDD date (tags 5F24, 5F25) as the six digits the card stores. */
export function bcdDate(bytes: Uint8Array): string {
  const digits = Buffer.from(bytes).toString('hex');
  if (bytes.length !== 3 || !/^\d{6}$/.test(digits)) throw cardError('date');
  return digits;
}

/** The PAN as shown when not configured otherwise: first six and last four digits, `x` between. */
export function maskPan(pan: string): string {
  if (pan.length <= 10) return 'x'.repeat(Math.max(0, pan.length - 4)) + pan.slice(-4);
  return pan.slice(0, 6) + 'x'.repeat(pan.length - 10) + pan.slice(-4);
}

/** ISO 3166-1 numeric → alpha-2, for the issuer country codes cards in Europe carry. */
const COUNTRIES: Readonly<Record<string, string>> = {
  '040': 'AT', '056': 'BE', '100': 'BG', '191': 'HR', '196': 'CY', '203': 'CZ', '208': 'DK', '233': 'EE', '246': 'FI',
  '250': 'FR', '276': 'DE', '300': 'GR', '348': 'HU', '352': 'IS', '372': 'IE', '380': 'IT', '428': 'LV', '438': 'LI',
  '440': 'LT', '442': 'LU', '470': 'MT', '492': 'MC', '528': 'NL', '578': 'NO', '616': 'PL', '620': 'PT', '642': 'RO',
  '703': 'SK', '705': 'SI', '724': 'ES', '752': 'SE', '756': 'CH', '826': 'GB', '840': 'US',
};

/** Alpha-2 country of an `n3` country code as the card stores it (2 bytes, e.g. `00 56`); '' when unknown. */
export function countryOf(code: Uint8Array): string {
  return COUNTRIES[Buffer.from(code).toString('hex').slice(-3)] ?? '';
}
