import { startPcscHardware } from '../pcsc-hardware.js';
import { acquirePcscdLock } from '../pcscd-lock.js';
import type { ProviderHardware, ProviderOptions } from './provider.js';

/** pcscd on this machine: queue on the machine-wide lock (one pcscd per machine), then start it. */
export async function startLocalHardware(options: ProviderOptions): Promise<ProviderHardware> {
  const kind = options.interactive ? 'supervisor' : 'batch-supervisor';
  const lock = await acquirePcscdLock(kind, { labDir: options.labDir, waitMs: 120_000 });
  try {
    const hardware = await startPcscHardware({ readers: options.readers, apduLog: options.apduLog, confDir: options.confDir, pcscdLogPath: options.pcscdLogPath, log: options.log });
    return { hardware, lock };
  } catch (e) {
    await lock.release();
    throw e;
  }
}
