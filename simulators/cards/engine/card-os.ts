import { CLA_ISO, INS, REDACTED_BYTE, SW, decodeCommand, type CommandApdu } from '../../../connector/protocol/index.js';
import type { RedactingCard, VirtualCard } from '../card.js';
import type { CommandSpec } from './command.js';
import { FileTree, type DedicatedFile } from './files.js';
import { readBinary, type EofMode } from './read-binary.js';
import { ResponseChain, status } from './response.js';
import { SecurityState } from './security.js';
import { FileSelection, selectFile } from './select.js';

export interface CardOsOptions {
  readonly atr: Uint8Array;
  /** Profile id, e.g. `beid-1.7`. */
  readonly profile: string;
  /** The MF with everything below it. */
  readonly mf: DedicatedFile;
  /** READ BINARY past the end of a file: `6Cxx` like a real card (default) or the short tail. */
  readonly eofMode?: EofMode;
}

/** The byte that replaces secret data in traces (one value for cards and connector alike). */
export { REDACTED_BYTE };

const SHORT_HEADER = 4;
const T0_HEADER = 5;

/**
 * An ISO 7816-4 card operating system in the style of vsmartcard's: a file system, a security state and an
 * INS dispatch table, over T=0 rules (61xx + GET RESPONSE, 6Cxx). SELECT, READ BINARY and GET RESPONSE are
 * built in; a card adds its commands with `define`. Nothing a client sends makes `transmit` throw.
 */
export class CardOs implements VirtualCard, RedactingCard {
  readonly atr: Uint8Array;
  readonly profile: string;
  readonly files: FileTree;
  readonly selection: FileSelection;
  readonly security = new SecurityState();
  readonly eofMode: EofMode;
  private readonly chain = new ResponseChain();
  private readonly commands = new Map<number, CommandSpec>();
  private commandCount = 0;

  constructor(options: CardOsOptions) {
    this.atr = options.atr;
    this.profile = options.profile;
    this.files = new FileTree(options.mf);
    this.selection = new FileSelection(this.files);
    this.eofMode = options.eofMode ?? 'exact';
    this.define(INS.SELECT, { input: true, handle: (c) => selectFile(this.selection, c) });
    this.define(INS.READ_BINARY, { input: false, le: 'handled', handle: (c) => readBinary(this.selection.current, c, this.eofMode) });
  }

  /** The number the current (or last) APDU got: APDUs are counted from 1 after each power-on or reset. */
  get commandNumber(): number {
    return this.commandCount;
  }

  /** Adds or replaces the handler of an instruction. */
  protected define(ins: number, spec: CommandSpec): void {
    if (ins === INS.GET_RESPONSE) throw new Error('GET RESPONSE belongs to the engine');
    this.commands.set(ins, spec);
  }

  powerOn(): void {
    this.reset();
  }

  powerOff(): void {
    this.reset();
  }

  reset(): void {
    this.selection.reset();
    this.chain.clear();
    this.security.clear();
    this.commandCount = 0;
    this.onReset();
  }

  /** Cards clear their own volatile state here; PIN counters must survive. */
  protected onReset(): void {}

  transmit(bytes: Uint8Array): Uint8Array {
    try {
      return this.process(bytes);
    } catch {
      // A bug in a handler must not wedge the reader: answer "no precise diagnosis" and stay usable.
      this.chain.clear();
      return status(SW.UNKNOWN);
    }
  }

  private process(bytes: Uint8Array): Uint8Array {
    this.commandCount += 1;
    const ins = bytes[1];
    if (ins !== INS.GET_RESPONSE) this.chain.clear();
    if (bytes.length < SHORT_HEADER || ins === undefined) return status(SW.WRONG_LENGTH);
    const cla = bytes[0]!;
    if (ins === INS.GET_RESPONSE) return this.getResponse(cla, bytes);
    if (!this.knowsCla(cla)) return status(SW.CLA_NOT_SUPPORTED);
    const spec = this.commands.get(ins);
    if (!spec) return status(SW.INS_NOT_SUPPORTED);
    if (cla !== (spec.cla ?? CLA_ISO)) return status(SW.CLA_NOT_SUPPORTED);
    const cmd = parseCommand(bytes, spec.input);
    if (typeof cmd === 'number') return status(cmd);
    return this.chain.shape(spec.handle(cmd), cmd.le, spec.le ?? 'max');
  }

  private getResponse(cla: number, bytes: Uint8Array): Uint8Array {
    if (cla !== CLA_ISO) return status(SW.CLA_NOT_SUPPORTED);
    const cmd = parseCommand(bytes, false);
    if (typeof cmd === 'number') return status(cmd);
    if (cmd.p1 !== 0 || cmd.p2 !== 0) return status(SW.INCORRECT_P1P2);
    return this.chain.getResponse(cmd.le);
  }

  private knowsCla(cla: number): boolean {
    if (cla === CLA_ISO) return true;
    for (const spec of this.commands.values()) if ((spec.cla ?? CLA_ISO) === cla) return true;
    return false;
  }

  /** The command with the data field of secret-bearing instructions (VERIFY, CHANGE…) masked. */
  redactCommand(bytes: Uint8Array): Uint8Array {
    const copy = Uint8Array.from(bytes);
    const ins = bytes[1];
    const spec = ins === undefined ? undefined : this.commands.get(ins);
    if (!spec?.secret || copy.length <= T0_HEADER) return copy;
    const lc = copy[4]!;
    // Keep the header, Lc and (when the length says there is one) Le; mask everything else.
    const end = copy.length === T0_HEADER + lc + 1 ? copy.length - 1 : copy.length;
    copy.fill(REDACTED_BYTE, T0_HEADER, end);
    return copy;
  }
}

/**
 * Reads a short APDU the way a T=0 card does, knowing whether the instruction takes data: 5 bytes with
 * P3=00 are Lc=0 for an input command, Le=256 otherwise. Extended lengths are refused (no ATR here offers them).
 */
export function parseCommand(bytes: Uint8Array, input: boolean): CommandApdu | number {
  if (bytes.length < SHORT_HEADER) return SW.WRONG_LENGTH;
  if (bytes.length === T0_HEADER && input) {
    if (bytes[4] !== 0) return SW.WRONG_LENGTH; // Lc announced, data missing
    const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
    return { cla, ins, p1, p2, data: new Uint8Array(0), le: null };
  }
  if (bytes.length > T0_HEADER && bytes[4] === 0) return SW.WRONG_LENGTH;
  let cmd: CommandApdu;
  try {
    cmd = decodeCommand(bytes);
  } catch {
    return SW.WRONG_LENGTH;
  }
  if (!input && cmd.data.length > 0) return SW.WRONG_LENGTH;
  return cmd;
}
