import { ProtocolError } from './errors.js';

/**
 * An APDU transcript: the ordered exchange with one card, as the connector records it from a real card and as
 * a transcript card replays it (`fixtures/apdu/<family>/<scenario>.json`). Hex is upper-case without separators;
 * the data of PIN-bearing commands is already masked. No timestamps, so recordings of the same run diff clean.
 */
export const TRANSCRIPT_FORMAT = 't1c-lab/apdu-transcript@1';

export interface TranscriptStep {
  readonly command: string;
  readonly response: string;
  /** What caused the exchange, e.g. the API call `GET /v3/modules/beid/apps/token/readers/:readerId/biometric`. */
  readonly note?: string;
}

export interface ApduTranscript {
  readonly format: typeof TRANSCRIPT_FORMAT;
  readonly atr: string;
  /** The reader the card was recorded in, and by what (free text). */
  readonly reader?: string;
  readonly source?: string;
  readonly steps: readonly TranscriptStep[];
}

const HEX = /^(?:[0-9A-F]{2})*$/;

function fail(message: string): never {
  throw new ProtocolError('ERR_TRANSCRIPT_INVALID', message);
}

/** Checks a parsed JSON value is a transcript; names the first problem otherwise. */
export function parseTranscript(value: unknown): ApduTranscript {
  const t = value as Partial<ApduTranscript> | null;
  if (!t || typeof t !== 'object') fail('a transcript is a JSON object');
  if (t.format !== TRANSCRIPT_FORMAT) fail(`format must be "${TRANSCRIPT_FORMAT}"`);
  if (typeof t.atr !== 'string' || t.atr.length < 4 || !HEX.test(t.atr)) fail('atr must be upper-case hex');
  if (!Array.isArray(t.steps)) fail('steps must be an array');
  t.steps.forEach((step: Partial<TranscriptStep>, i) => {
    if (typeof step.command !== 'string' || step.command.length < 8 || !HEX.test(step.command)) fail(`step ${i}: command must be upper-case hex of 4+ bytes`);
    if (typeof step.response !== 'string' || step.response.length < 4 || !HEX.test(step.response)) fail(`step ${i}: response must be upper-case hex of 2+ bytes`);
    if (step.note !== undefined && typeof step.note !== 'string') fail(`step ${i}: note must be a string`);
  });
  return t as ApduTranscript;
}

/** Serialises with a fixed key order and one step per line, so transcripts diff line by line. */
export function serializeTranscript(t: ApduTranscript): string {
  const head = { format: t.format, atr: t.atr, ...(t.reader ? { reader: t.reader } : {}), ...(t.source ? { source: t.source } : {}) };
  const steps = t.steps.map((s) => `    ${JSON.stringify({ command: s.command, response: s.response, ...(s.note ? { note: s.note } : {}) })}`);
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${headText},\n  "steps": [\n${steps.join(',\n')}\n  ]\n}\n`;
}
