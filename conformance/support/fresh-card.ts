import { labInsert, labRemove } from '../../simulators/lab/lab-client.js';
import type { ConformanceTarget } from './target.js';

/** The JSON error body every connector error has (docs/errors.md). */
export interface ErrorBody {
  readonly success: false;
  readonly code: number;
  readonly description: string;
  readonly details?: { readonly triesLeft?: number; readonly queueLimit?: number };
}

/** The lab's free reader (the global setup keeps one), or null against a target or a full lab. */
export function freeReader(target: ConformanceTarget): { index: number } | null {
  if (!target.labDir) return null;
  return target.state?.readers.find((r) => r.card === null && r.id !== undefined) ?? null;
}

/**
 * Inserts a fresh card (new PIN counters) into the free reader, runs `use` with the connector's reader id, and
 * takes the card out again whatever happened.
 */
export async function withFreshCard<T>(target: ConformanceTarget, card: { profile: string; persona: string }, use: (readerId: string) => Promise<T>): Promise<T> {
  const free = freeReader(target);
  if (!free || !target.labDir) throw new Error('a fresh card needs the lab and a free reader');
  const state = await labInsert(card, free.index, target.labDir);
  try {
    return await use(state.readers.find((r) => r.index === free.index)!.id!);
  } finally {
    await labRemove(free.index, target.labDir);
  }
}
