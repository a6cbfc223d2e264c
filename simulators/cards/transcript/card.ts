import {
  INS,
  SECRET_INS,
  SW,
  encodeResponse,
  fromHex,
  redactCommandApdu,
  toHex,
  type ApduTranscript,
} from '../../../connector/protocol/index.js';
import type { VirtualCard } from '../card.js';

export type ReplayMode = 'strict' | 'match';

export interface ReplayMismatch {
  readonly step: number;
  readonly expected: string;
  readonly actual: string;
}

export interface TranscriptCardOptions {
  /** `strict`: the commands must come in the recorded order; `match` (default): answered by command, in context. */
  readonly mode?: ReplayMode;
  readonly profile?: string;
}

/** Commands are compared the way they were recorded: PIN-bearing data masked. */
function normalise(command: Uint8Array): string {
  return toHex(SECRET_INS.has(command[1] ?? -1) ? redactCommandApdu(command) : command);
}

const sw = (value: number): Uint8Array => encodeResponse({ data: new Uint8Array(0), sw: value });

/**
 * A card that replays a recorded APDU transcript, so a card type can be certified from a recording of a real card
 * no simulator models yet. In `match` mode a command is answered with what the card answered to the same command
 * in the same context — the file selected last (SELECT itself has none), and for GET RESPONSE the command before it — repeating the
 * recorded answers in order when a command was recorded more than once. Anything never recorded gets `6D00`
 * (unknown instruction) or `6A80` (known instruction, other data). In `strict` mode the script must be followed
 * step by step; a deviation answers `6F00` and is kept in `mismatches` with both hex strings.
 */
export class TranscriptCard implements VirtualCard {
  readonly atr: Buffer;
  readonly profile: string;
  readonly mismatches: ReplayMismatch[] = [];
  private readonly mode: ReplayMode;
  private readonly answers = new Map<string, { responses: string[]; next: number }>();
  private readonly knownIns = new Set<number>();
  private position = 0;
  private selected = '';
  private previous = '';

  constructor(
    private readonly transcript: ApduTranscript,
    options: TranscriptCardOptions = {},
  ) {
    this.atr = fromHex(transcript.atr);
    this.profile = options.profile ?? 'transcript';
    this.mode = options.mode ?? 'match';
    let selected = '';
    let previous = '';
    for (const step of transcript.steps) {
      const command = fromHex(step.command);
      const key = this.keyOf(command, selected, previous);
      const entry = this.answers.get(key) ?? { responses: [], next: 0 };
      entry.responses.push(step.response);
      this.answers.set(key, entry);
      this.knownIns.add(command[1]!);
      [selected, previous] = advance(command, fromHex(step.response), selected, previous);
    }
  }

  /** True when every step of a strict replay was used. */
  get complete(): boolean {
    return this.position === this.transcript.steps.length;
  }

  powerOn(): void {
    this.reset();
  }

  powerOff(): void {
    this.reset();
  }

  reset(): void {
    this.selected = '';
    this.previous = '';
    for (const entry of this.answers.values()) entry.next = 0;
  }

  transmit(command: Uint8Array): Uint8Array {
    if (command.length < 4) return sw(SW.WRONG_LENGTH);
    return this.mode === 'strict' ? this.strict(command) : this.match(command);
  }

  private strict(command: Uint8Array): Uint8Array {
    const step = this.transcript.steps[this.position];
    const actual = normalise(command);
    if (!step || step.command !== actual) {
      this.mismatches.push({ step: this.position, expected: step?.command ?? '(end of transcript)', actual });
      return sw(SW.UNKNOWN);
    }
    this.position += 1;
    return fromHex(step.response);
  }

  private match(command: Uint8Array): Uint8Array {
    const entry = this.answers.get(this.keyOf(command, this.selected, this.previous));
    if (!entry) return sw(this.knownIns.has(command[1]!) ? SW.WRONG_DATA : SW.INS_NOT_SUPPORTED);
    const response = fromHex(entry.responses[entry.next % entry.responses.length]!);
    entry.next += 1;
    [this.selected, this.previous] = advance(command, response, this.selected, this.previous);
    return response;
  }

  /** SELECT names its file absolutely, so it has no context; everything else depends on the file selected last. */
  private keyOf(command: Uint8Array, selected: string, previous: string): string {
    if (command[1] === INS.SELECT) return `||${normalise(command)}`;
    return `${selected}|${command[1] === INS.GET_RESPONSE ? previous : ''}|${normalise(command)}`;
  }
}

/** The context after an exchange: a successful SELECT changes the current file; GET RESPONSE keeps its origin. */
function advance(command: Uint8Array, response: Uint8Array, selected: string, previous: string): [string, string] {
  const ok = response.length >= 2 && response[response.length - 2] === 0x90 && response[response.length - 1] === 0x00;
  return [command[1] === INS.SELECT && ok ? toHex(command) : selected, command[1] === INS.GET_RESPONSE ? previous : toHex(command)];
}
