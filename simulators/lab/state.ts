import { Ajv } from 'ajv';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { LabError } from './lab-error.js';
import type { LabFiles } from './paths.js';
import schema from './state.schema.json' with { type: 'json' };

/** `.lab/state.json` (CONTRACTS.md "The lab"); `simulators/lab/state.schema.json` is the authority. */
export type Backend = 'pcsc' | 'embedded';

export interface StateCard {
  readonly profile: string;
  readonly persona: string | null;
  /** Upper-case hex without separators. */
  readonly atr: string;
  /** The persona's PIN (test material), null for cards without one. */
  readonly pin: string | null;
}

export interface StateReader {
  readonly index: number;
  readonly name: string;
  readonly id?: string;
  readonly port?: number;
  /** Present (false) only while the reader is unplugged (`lab fault unplug`, embedded backend). */
  readonly plugged?: false;
  readonly card: StateCard | null;
}

export interface LabState {
  readonly version: 1;
  readonly backend: Backend;
  readonly readers: readonly StateReader[];
  readonly connector?: { readonly url: string; readonly caCert: string; readonly port: number };
  readonly ds?: { readonly url: string; readonly apiKey: string };
  readonly cors?: { readonly allowedOrigins: readonly string[] };
  readonly tokens?: readonly { readonly label: string; readonly pin: string; readonly module: string; readonly id?: string }[];
  /** The lab console, while it runs: the URLs to open, each with the lab's console secret (test material, like the PINs). */
  readonly console?: { readonly url: string; readonly demoUrl?: string };
  readonly lab?: {
    readonly supervisorPid: number;
    readonly cardHost: string;
    readonly quickack: boolean;
    readonly pcscdPid?: number;
    readonly pcscdLog?: string;
    /** Where pcscd runs (local when absent). */
    readonly provider?: 'local' | 'containers';
    /** pcscd's socket when it is not the machine's (containers): PC/SC clients set PCSCLITE_CSOCK_NAME to it. */
    readonly pcscdSocket?: string;
    readonly warnings: readonly string[];
  };
}

const validate = new Ajv({ allErrors: true }).compile<LabState>(schema);

/** Returns `data` typed when it matches the schema; otherwise a LabError naming every problem. */
export function validateState(data: unknown): LabState {
  if (validate(data)) return data;
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`);
  throw new LabError('ERR_LAB_STATE_INVALID', `lab state does not match state.schema.json: ${problems.join('; ')}`);
}

/** Serialises a state: two-space JSON, one trailing newline (what `--json` prints too). */
export function stateJson(state: LabState): string {
  return JSON.stringify(state, null, 2) + '\n';
}

/** Validates, then writes atomically (temp file + rename) so readers never see half a state. */
export function writeState(files: LabFiles, state: LabState): void {
  validateState(state);
  const temp = `${files.state}.${process.pid}.tmp`;
  writeFileSync(temp, stateJson(state), { mode: 0o600 });
  renameSync(temp, files.state);
}

export function readState(files: LabFiles): LabState | null {
  let text: string;
  try {
    text = readFileSync(files.state, 'utf8');
  } catch {
    return null;
  }
  return validateState(JSON.parse(text));
}

export function removeState(files: LabFiles): void {
  rmSync(files.state, { force: true });
}
