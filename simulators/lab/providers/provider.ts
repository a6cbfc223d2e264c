import type { PcscHardware } from '../pcsc-hardware.js';
import type { PcscdLock } from '../pcscd-lock.js';

/**
 * Where a lab's PC/SC side runs: `local` (pcscd on this machine, one lab per machine, behind the machine-wide
 * pcscd lock) or `containers` (pcscd + vpcd in a container per lab, labs side by side).
 */
export type Provider = 'local' | 'containers';

export const PROVIDERS: readonly Provider[] = ['local', 'containers'];

export interface ProviderHardware {
  readonly hardware: PcscHardware & { readonly socket?: string };
  /** The machine pcscd lock the lab holds for its lifetime (local only). */
  readonly lock: PcscdLock | null;
}

export interface ProviderOptions {
  readonly readers: number;
  readonly apduLog: boolean;
  readonly interactive: boolean;
  readonly labDir: string;
  readonly confDir: string;
  readonly pcscdLogPath: string;
  readonly log: (line: string) => void;
}
