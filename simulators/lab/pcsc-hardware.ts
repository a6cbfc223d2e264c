import { LabError } from './lab-error.js';
import { PCSCD_MAX_READERS, VPCD_BASE_PORT, removeReaderConfig, vpcdReaders, writeReaderConfig, type VpcdReader } from './pcscd-config.js';
import { findPcscd, mayRunPcscd, PCSCD_SOCKET, startPcscd, vpcdDriverInstalled, type PcscdProcess } from './pcscd.js';
import { clearPcscdForLab, restoreMachinePcscd } from './pcscd-takeover.js';
import { reservePorts } from './reserved-ports.js';
import { waitForReaders } from './pcsc-watch.js';
import { addQuickackRoute, removeQuickackRoute } from './route.js';

export interface PcscHardwareOptions {
  readonly readers: number;
  readonly apduLog: boolean;
  /** Where the vpcd reader config is written (`pcscd -c`); its name must carry the lab marker. */
  readonly confDir: string;
  readonly pcscdLogPath: string;
  readonly log?: (line: string) => void;
}

/** pcscd with our vpcd readers, plus the quickack route: what both the test lab and the supervisor run. */
export interface PcscHardware {
  readonly readers: readonly VpcdReader[];
  readonly cardHost: string;
  readonly quickack: boolean;
  readonly pcscdPid: number;
  /** Set when the quickack route could not be added (not root): APDUs then cost ~48 ms each. */
  readonly routeWarning: string | null;
  /** Stops pcscd, removes the route and the reader config, restores a machine pcscd stopped for us. */
  stop(): Promise<void>;
  /** Stops pcscd and starts it again with the same readers (a fault); resolves once the readers are back. */
  restartPcscd?(): Promise<void>;
}

export function pcscPrerequisites(): { pcscd: string | null; vpcd: boolean; mayRun: boolean } {
  return { pcscd: findPcscd(), vpcd: vpcdDriverInstalled(), mayRun: mayRunPcscd() };
}

/** Starts the PC/SC side of a lab. Call while holding the machine pcscd lock. */
export async function startPcscHardware(options: PcscHardwareOptions): Promise<PcscHardware> {
  const log = options.log ?? (() => undefined);
  const { pcscd, vpcd, mayRun } = pcscPrerequisites();
  if (!pcscd) throw new LabError('ERR_LAB_PCSCD_MISSING', 'pcscd is not installed (apt-get install pcscd vsmartcard-vpcd), or use --backend embedded');
  if (!vpcd) throw new LabError('ERR_LAB_PCSCD_MISSING', 'the vpcd driver is not installed (apt-get install vsmartcard-vpcd), or use --backend embedded');

  if (!mayRun) {
    throw new LabError('ERR_LAB_NOT_ROOT', `pcscd must create ${PCSCD_SOCKET} and this user may not write there: run the lab as root (or make /run/pcscd writable), or use --backend embedded`);
  }
  vpcdReaders(options.readers);
  const reserved = reservePorts(VPCD_BASE_PORT, VPCD_BASE_PORT + PCSCD_MAX_READERS - 1);
  if (reserved) log(reserved);
  await clearPcscdForLab(log);
  const readers = writeReaderConfig(options.confDir, options.readers);
  let daemon: PcscdProcess | null = null;
  let routeAdded = false;
  const stop = async (): Promise<void> => {
    try {
      await daemon?.stop();
    } finally {
      if (routeAdded) removeQuickackRoute();
      removeReaderConfig(options.confDir);
      await restoreMachinePcscd(log);
    }
  };
  try {
    const startDaemon = async (): Promise<PcscdProcess> => {
      const started = await startPcscd({ binary: pcscd, confDir: options.confDir, logPath: options.pcscdLogPath, apduLog: options.apduLog });
      try {
        await waitForReaders(readers.map((reader) => reader.name));
      } catch (e) {
        await started.stop(); // not yet `daemon`: the teardown would leave it running (and the supervisor with it)
        throw e;
      }
      return started;
    };
    daemon = await startDaemon();
    const route = addQuickackRoute();
    routeAdded = route.quickack;
    if (route.warning) log(route.warning);
    const restartPcscd = async (): Promise<void> => {
      log('restarting pcscd (fault)');
      await daemon?.stop();
      daemon = null;
      daemon = await startDaemon();
    };
    return {
      readers,
      cardHost: route.cardHost,
      quickack: route.quickack,
      get pcscdPid() {
        return daemon?.pid ?? 0;
      },
      routeWarning: route.warning ?? null,
      stop,
      restartPcscd,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
