import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli.js';

describe('t1c-lab CLI dispatch', () => {
  afterEach(() => vi.restoreAllMocks());

  function capture(): { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
    return { out, err };
  }

  it('prints the command list for --help (exit 0) and without a command (exit 2)', async () => {
    const io = capture();
    expect(await runCli(['--help'])).toBe(0);
    expect(await runCli([])).toBe(2);
    expect(io.out.join("\n")).toMatch(/^Commands:$/m);
    expect(io.out.join("\n")).toMatch(/^\s+lab\s+bring the virtual lab/m);
  });

  it('turns an unknown command into one usage line and exit 2', async () => {
    const io = capture();
    expect(await runCli(['frobnicate'])).toBe(2);
    expect(io.err).toEqual(['t1c-lab: unknown command "frobnicate" (see `t1c-lab --help`)']);
  });

  it('dispatches to the lab command, whose usage errors also exit 2', async () => {
    const io = capture();
    expect(await runCli(['lab', 'up', '--help'])).toBe(0);
    expect(io.out.join('\n')).toContain('Usage: t1c-lab lab up');
    expect(await runCli(['lab', 'remove'])).toBe(2);
    expect(io.err.at(-1)).toBe('t1c-lab: lab remove needs --reader N (see `t1c-lab lab remove --help`)');
  });

  it('reports a failing command as one line and exit 1', async () => {
    const io = capture();
    const dir = `/tmp/t1c-lab-cli-test-${process.pid}`;
    vi.stubEnv('T1C_LAB_DIR', dir);
    expect(await runCli(['lab', 'status'])).toBe(1);
    expect(io.err).toEqual([`t1c-lab: no lab is up (nothing answers on ${dir}/control.sock)`]);
    vi.unstubAllEnvs();
  });
});
