import type { CardFault } from '../cards/fault-card.js';
import type { LabErrorCode } from './lab-error.js';
import type { LabState } from './state.js';

/**
 * The supervisor's control protocol on `.lab/control.sock`: JSON lines, one request → one response, matched by
 * `id`. Every successful answer carries the whole state after the operation.
 */
export type ControlRequest =
  | { readonly id: number; readonly op: 'status' }
  | { readonly id: number; readonly op: 'insert'; readonly profile: string; readonly persona: string | null; readonly reader?: number }
  | { readonly id: number; readonly op: 'remove'; readonly reader: number }
  | { readonly id: number; readonly op: 'fault'; readonly reader: number; readonly fault: CardFault }
  | { readonly id: number; readonly op: 'unplug'; readonly reader: number }
  | { readonly id: number; readonly op: 'plug'; readonly reader: number }
  | { readonly id: number; readonly op: 'pcscd-restart' }
  | { readonly id: number; readonly op: 'console' }
  | { readonly id: number; readonly op: 'down' };

export type ControlOp = ControlRequest['op'];

/** A request without its id: what callers of the supervisor (the CLI, suites, the console) ask for. */
export type ControlBody = ControlRequest extends infer R ? (R extends ControlRequest ? Omit<R, 'id'> : never) : never;

export type ControlResponse =
  | { readonly id: number; readonly ok: true; readonly state: LabState }
  | { readonly id: number; readonly ok: false; readonly code: LabErrorCode | 'ERR_LAB_INTERNAL'; readonly error: string };

/** Splits a byte stream into complete lines. */
export class LineDecoder {
  private pending = '';

  push(chunk: Buffer | string): string[] {
    this.pending += chunk.toString();
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.filter((line) => line.trim().length > 0);
  }
}

const OPS: readonly ControlOp[] = ['status', 'insert', 'remove', 'fault', 'unplug', 'plug', 'pcscd-restart', 'console', 'down'];

/** Parses and checks one request line; null when it is not a well-formed request. */
export function parseRequest(line: string): ControlRequest | null {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const r = data as Record<string, unknown>;
  if (!Number.isInteger(r['id']) || !OPS.includes(r['op'] as ControlOp)) return null;
  const reader = r['reader'];
  switch (r['op']) {
    case 'insert':
      if (typeof r['profile'] !== 'string' || !(typeof r['persona'] === 'string' || r['persona'] === null)) return null;
      if (reader !== undefined && !Number.isInteger(reader)) return null;
      break;
    case 'remove':
    case 'unplug':
    case 'plug':
      if (!Number.isInteger(reader)) return null;
      break;
    case 'fault':
      // the fault itself is checked by the lab (parseCardFault), which names what is wrong with it
      if (!Number.isInteger(reader) || typeof r['fault'] !== 'object' || r['fault'] === null) return null;
      break;
  }
  return data as ControlRequest;
}
