import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { labInsert, labRemove } from '../../simulators/lab/lab-client.js';
import { freeReader } from './fresh-card.js';
import type { ConformanceTarget } from './target.js';

/** The card the witness inserts: a BeID (its data routes send APDUs) with a persona no placed card uses. */
export const WITNESS_CARD = { profile: 'beid-1.7', persona: 'be-de-adult' } as const;

/** The BeID module's routes for a reader. */
export function beidBase(readerId: string): string {
  return `/v3/modules/beid/apps/token/readers/${readerId}`;
}

async function waitForRemovedNote(file: string, offset: number, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const segment = existsSync(file) ? readFileSync(file).subarray(offset).toString('utf8') : '';
    if (/^# removed$/m.test(segment) || Date.now() > deadline) return segment;
    await delay(20);
  }
}

/**
 * How many APDUs reached the card while `use` ran: a fresh witness card goes into the lab's free reader, `use`
 * gets its reader id, the card is removed, and the reader's simulator trace (`<lab>/apdu-<i>.log`) is read up
 * to the lab's `# removed` note — written by the same ordered stream, so every exchange before it is on disk.
 * The number includes whatever the reader itself sends on insertion; compare with `apdusDuring(() => {})`.
 */
export async function apdusDuring(target: ConformanceTarget, use: (readerId: string) => Promise<void>): Promise<number> {
  const free = freeReader(target);
  if (!free || !target.labDir) throw new Error('the APDU witness needs the lab and a free reader');
  const file = path.join(target.labDir, `apdu-${free.index}.log`);
  const offset = existsSync(file) ? statSync(file).size : 0;
  const state = await labInsert(WITNESS_CARD, free.index, target.labDir);
  try {
    await use(state.readers.find((r) => r.index === free.index)!.id!);
  } finally {
    await labRemove(free.index, target.labDir);
  }
  const segment = await waitForRemovedNote(file, offset);
  if (!/^# inserted /m.test(segment) || !/^# removed$/m.test(segment)) throw new Error(`the trace ${file} does not show the witness card's insertion and removal`);
  return segment.split('\n').filter((line) => line.startsWith('> ')).length;
}

/** Whether the witness can run here (the lab with a free reader), with the reason when not. */
export function witnessUnavailable(target: ConformanceTarget): string | null {
  if (!target.labDir) return 'needs the lab: a --target has no simulator trace';
  if (!freeReader(target)) return 'needs a free reader in the lab';
  return null;
}
