import {
  ADDRESS_TAG,
  CLA_PROPRIETARY,
  EMV_INS,
  EMV_TAG,
  IDENTITY_TAG,
  INS,
  REDACTED_BYTE,
  SELECT_P1,
  SW,
  decodeBerTlv,
  decodeCommand,
  decodeSimpleTlv,
  describeSw,
  fromHex,
  swHex,
  toHex,
  type BerTlv,
  type CommandApdu,
} from '../../connector/protocol/index.js';
import { BEID_FID, BEID_INS, BEID_KEY, BELPIC_APPLET_AID, BELPIC_ID_AID, BELPIC_PKCS15_AID, MSE_TAG_KEY } from '../cards/beid/apdu.js';

/** One data object found in a response: a BeID file's simple-TLV tag or an EMV BER-TLV tag, by the project's names. */
export interface DecodedField {
  readonly tag: string;
  readonly name: string;
  readonly value: string;
  /** Nesting level inside constructed EMV objects (0 at the top). */
  readonly depth: number;
}

/** An APDU as the console shows it: the instruction's name, what the parameters mean, the status word's meaning. */
export interface DecodedApdu {
  readonly name: string;
  readonly detail: string | null;
  readonly sw: string;
  readonly status: string;
  readonly fields?: readonly DecodedField[];
}

/** `{ NAME_OF_THING: 0x12 }` → 0x12 → `NAME OF THING`: the vocabulary tables of connector/protocol, read backwards. */
function namesOf(table: Readonly<Record<string, number>>): ReadonlyMap<number, string> {
  return new Map(Object.entries(table).map(([name, value]) => [value, name.replace(/_/g, ' ')]));
}

const ISO_INS = namesOf(INS);
const PROPRIETARY_INS: Readonly<Record<string, ReadonlyMap<number, string>>> = { beid: namesOf(BEID_INS), emv: namesOf(EMV_INS) };
const BEID_FILES = namesOf(BEID_FID);
const BEID_KEYS = namesOf(BEID_KEY);
const IDENTITY_TAGS = namesOf(IDENTITY_TAG);
const ADDRESS_TAGS = namesOf(ADDRESS_TAG);
const EMV_TAGS = namesOf(EMV_TAG);
const BEID_AIDS = new Map([
  [toHex(BELPIC_APPLET_AID), 'BELPIC applet'],
  [toHex(BELPIC_PKCS15_AID), 'BELPIC'],
  [toHex(BELPIC_ID_AID), 'ID'],
]);
/** BeID files whose content the console decodes as simple TLV, with their tag names. */
const TLV_FILES: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [BEID_FID.IDENTITY, IDENTITY_TAGS],
  [BEID_FID.ADDRESS, ADDRESS_TAGS],
]);
const READ_CHUNK = 256;

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** A value as text when it is printable UTF-8, else as hex. */
function valueText(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('utf8');
  // eslint-disable-next-line no-control-regex
  const printable = bytes.length > 0 && !/[\u0000-\u001f\u007f\ufffd]/.test(text);
  return printable ? text : toHex(bytes);
}

function berFields(objects: readonly BerTlv[], depth = 0): DecodedField[] {
  return objects.flatMap((o) => [
    { tag: o.tag.toString(16).toUpperCase(), name: EMV_TAGS.get(o.tag) ?? 'unknown tag', value: o.children ? '' : valueText(o.value), depth },
    ...(o.children ? berFields(o.children, depth + 1) : []),
  ]);
}

/**
 * Decodes one reader's APDU trace as it goes, with the names the project already has: ISO instructions and status
 * words from connector/protocol, the BELPIC instructions, files and keys of the card simulator, the identity and
 * address tags, the EMV instructions and tags. It follows SELECT so that a BeID identity or address file read in
 * chunks is decoded once its last chunk arrives. Commands reach it redacted (apdu-trace.ts); it never unmasks.
 */
export class TraceDecoder {
  /** FID of the BeID file selected last (null: none or not a file we know). */
  private selected: number | null = null;
  private file: Buffer[] = [];

  constructor(private readonly family: string | null) {}

  decode(commandHex: string, responseHex: string): DecodedApdu {
    const response = fromHex(responseHex);
    const swValue = response.length >= 2 ? (response[response.length - 2]! << 8) | response[response.length - 1]! : null;
    const data = response.subarray(0, Math.max(0, response.length - 2));
    const sw = swValue === null ? '' : swHex(swValue);
    const status = swValue === null ? 'no status word' : describeSw(swValue).slice(sw.length + 2);
    let command: CommandApdu;
    try {
      command = decodeCommand(fromHex(commandHex));
    } catch {
      return { name: 'malformed command', detail: null, sw, status };
    }
    const name = this.insName(command);
    const detail = this.detail(command);
    const fields = swValue === null ? undefined : this.follow(command, swValue, data);
    return { name, detail, sw, status, ...(fields && fields.length > 0 ? { fields } : {}) };
  }

  private insName(command: CommandApdu): string {
    const table = (command.cla & CLA_PROPRIETARY) !== 0 && this.family ? PROPRIETARY_INS[this.family] : undefined;
    return table?.get(command.ins) ?? ISO_INS.get(command.ins) ?? `INS ${hex2(command.ins)}`;
  }

  private detail(command: CommandApdu): string | null {
    const { ins, p1, p2, data, le } = command;
    switch (ins) {
      case INS.SELECT: {
        if (p1 === SELECT_P1.AID) {
          const aid = toHex(data);
          const ascii = Buffer.from(data).toString('latin1');
          const name = BEID_AIDS.get(aid) ?? (/^[\x20-\x7e]+$/.test(ascii) ? ascii : null);
          return `AID ${aid}${name ? ` (${name})` : ''}`;
        }
        const fid = data.length >= 2 ? (data[data.length - 2]! << 8) | data[data.length - 1]! : null;
        const file = fid !== null && this.family === 'beid' ? BEID_FILES.get(fid) : undefined;
        return `${p1 === SELECT_P1.PATH_FROM_MF ? 'path' : 'file'} ${toHex(data)}${file ? ` (${file})` : ''}`;
      }
      case INS.READ_BINARY:
        return `offset ${(p1 << 8) | p2}, Le ${le ?? 0}`;
      case INS.READ_RECORD:
        return `record ${p1}, SFI ${p2 >> 3}`;
      case INS.GET_RESPONSE:
        return `Le ${le ?? 0}`;
      case INS.VERIFY:
      case INS.CHANGE_REFERENCE_DATA:
      case INS.RESET_RETRY_COUNTER: {
        const masked = data.length > 0 && data.every((b) => b === REDACTED_BYTE);
        return `reference ${hex2(p2)}${data.length > 0 ? `, ${data.length} bytes of PIN data${masked ? ' (redacted)' : ''}` : ''}`;
      }
      case INS.MANAGE_SECURITY_ENVIRONMENT: {
        const at = data.indexOf(MSE_TAG_KEY);
        const key = at >= 0 && at + 1 < data.length ? data[at + 1]! : null;
        const keyName = key !== null && this.family === 'beid' ? BEID_KEYS.get(key) : undefined;
        return `P1-P2 ${hex2(p1)}${hex2(p2)}${key !== null ? `, key ${hex2(key)}${keyName ? ` (${keyName})` : ''}` : ''}`;
      }
      default:
        return data.length > 0 || le !== null ? `P1-P2 ${hex2(p1)}${hex2(p2)}${data.length > 0 ? `, ${data.length} bytes` : ''}${le !== null ? `, Le ${le}` : ''}` : `P1-P2 ${hex2(p1)}${hex2(p2)}`;
    }
  }

  /** Tracks the selected BeID file and decodes data objects in the answer (EMV at once, BeID files when complete). */
  private follow(command: CommandApdu, sw: number, data: Buffer): DecodedField[] | undefined {
    if (this.family === 'emv') return this.emvFields(data);
    if (this.family !== 'beid') return undefined;
    if (command.ins === INS.SELECT && (command.cla & CLA_PROPRIETARY) === 0) {
      const ok = sw === SW.OK || (sw & 0xff00) === SW.BYTES_AVAILABLE;
      const fid = command.data.length >= 2 ? (command.data[command.data.length - 2]! << 8) | command.data[command.data.length - 1]! : null;
      this.selected = ok && command.p1 !== SELECT_P1.AID ? fid : null;
      this.file = [];
      return undefined;
    }
    const tags = this.selected === null ? undefined : TLV_FILES.get(this.selected);
    if (command.ins !== INS.READ_BINARY || (command.cla & CLA_PROPRIETARY) !== 0 || !tags) return undefined;
    const offset = (command.p1 << 8) | command.p2;
    const read = this.file.reduce((n, b) => n + b.length, 0);
    if (sw === SW.OK && offset === read) this.file.push(Buffer.from(data));
    // The file is complete after a chunk shorter than the most a READ BINARY gives, or when the next one finds its end.
    const ended = (sw === SW.OK && data.length < READ_CHUNK) || ((sw === SW.WRONG_P1P2 || sw === SW.END_OF_FILE_REACHED) && read > 0);
    if (!ended) return undefined;
    try {
      return decodeSimpleTlv(Buffer.concat(this.file)).map((t) => ({ tag: hex2(t.tag), name: tags.get(t.tag) ?? 'unknown tag', value: valueText(t.value), depth: 0 }));
    } catch {
      return undefined;
    } finally {
      this.file = [];
    }
  }

  private emvFields(data: Buffer): DecodedField[] | undefined {
    if (data.length === 0) return undefined;
    try {
      return berFields(decodeBerTlv(data));
    } catch {
      return undefined;
    }
  }
}
