import type { CardInterface, ContextInterface, MonitorEvent, ReaderInterface, ReaderMonitorInterface } from 'smartcard';

/** The parts of the `smartcard` binding the PC/SC backend uses; loaded lazily because it is optional. */
export interface PcscBinding {
  Context: new () => ContextInterface;
  ReaderMonitor: new () => ReaderMonitorInterface;
  SCARD_SHARE_SHARED: number;
  SCARD_SHARE_EXCLUSIVE: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_RESET_CARD: number;
  SCARD_STATE_PRESENT: number;
}

export type { CardInterface as PcscCard, ContextInterface as PcscContext, MonitorEvent, ReaderInterface as PcscReader };

let loaded: Promise<PcscBinding> | null = null;

/** Loads the native binding once; rejects with the loader's error when it is not installed or not built. */
export function loadPcscBinding(): Promise<PcscBinding> {
  loaded ??= import('smartcard').then((m) => {
    const b = (m as { default?: PcscBinding }).default ?? (m as unknown as PcscBinding);
    if (typeof b.Context !== 'function' || typeof b.ReaderMonitor !== 'function') throw new Error('smartcard binding incomplete');
    return b;
  });
  return loaded;
}

const SERVICE_GONE = /service not running|service stopped|invalid handle|no service/i;
const CARD_GONE = /removed|no smart card|card is unpowered|reader unavailable|unknown reader/i;

export function isServiceGone(error: unknown): boolean {
  return error instanceof Error && SERVICE_GONE.test(error.message);
}

export function isCardGone(error: unknown): boolean {
  return error instanceof Error && CARD_GONE.test(error.message);
}

export function isSharingViolation(error: unknown): boolean {
  return error instanceof Error && /sharing violation/i.test(error.message);
}

export function isCardReset(error: unknown): boolean {
  return error instanceof Error && /card was reset/i.test(error.message);
}
