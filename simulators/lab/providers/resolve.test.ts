import { describe, expect, it } from 'vitest';
import { isLabError } from '../lab-error.js';
import { resolveProvider } from './resolve.js';

const noEngine = (): Promise<string | null> => Promise.resolve(null);
const anEngine = (): Promise<string | null> => Promise.resolve('/run/t1c-docker/docker.sock');

describe('choosing the lab provider', () => {
  it('runs containers when asked for and an engine answers, local when not asked for', async () => {
    const notes: string[] = [];
    expect(await resolveProvider('containers', (l) => notes.push(l), {}, anEngine)).toBe('containers');
    expect(await resolveProvider(undefined, (l) => notes.push(l), {}, anEngine)).toBe('local');
    expect(await resolveProvider('local', (l) => notes.push(l), {}, anEngine)).toBe('local');
    expect(notes).toEqual([]);
  });

  it('without an engine says so in one line and falls back to local', async () => {
    const notes: string[] = [];
    expect(await resolveProvider('containers', (l) => notes.push(l), {}, noEngine)).toBe('local');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/no Docker engine answers.*using the local provider/);
  });

  it('in strict mode a missing engine is a failure', async () => {
    const error = await resolveProvider('containers', () => undefined, { T1C_LAB_STRICT: '1' }, noEngine).catch((e: unknown) => e);
    expect(isLabError(error, 'ERR_LAB_CONTAINERS')).toBe(true);
    expect((error as Error).message).toMatch(/T1C_LAB_STRICT=1/);
  });
});
