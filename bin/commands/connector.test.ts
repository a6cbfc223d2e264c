import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../cli.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 't1c-cli-connector-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function capture(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  for (const [name, dir] of [['HOME', ''], ['XDG_CONFIG_HOME', '.config'], ['XDG_DATA_HOME', '.local/share'], ['XDG_STATE_HOME', '.local/state']] as const) vi.stubEnv(name, join(home, dir));
  return { out, err };
}

describe('t1c-lab connector subcommands', () => {
  it.each([
    [['connector', 'frobnicate'], /unknown connector command "frobnicate"/],
    [['connector', 'cors', 'add', 'https://app.example.org/'], /no trailing slash \(https:\/\/app\.example\.org\)/],
    [['connector', 'cors', 'add'], /give an origin/],
    [['connector', 'cors', 'add', 'https://a.example', 'https://b.example'], /unexpected argument "https:\/\/b\.example"/],
    [['connector', 'cors', 'allow', 'https://a.example'], /list, add ORIGIN or remove ORIGIN/],
    [['connector', 'logs', '--since', 'yesterday'], /--since: "yesterday"/],
    [['connector', 'logs', '--level', 'loud'], /--level: one of trace, debug/],
    [['connector', 'install', '--port', '70000'], /--port: "70000" is not a port number/],
    [['connector', 'install', '--system-trust', '--no-system-trust'], /exclude each other/],
    [['connector', 'status', '--verbose'], /Unknown option '--verbose'/],
  ])('%j is a usage error (exit 2, one line)', async (argv, message) => {
    const io = capture();
    expect(await runCli(argv)).toBe(2);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(message);
  });

  it('reports "not installed" in a fresh HOME: status exits 1, list and logs are empty, uninstall has nothing to do', async () => {
    const io = capture();
    expect(await runCli(['connector', 'status', '--json'])).toBe(1);
    expect(JSON.parse(io.out.join('\n'))).toEqual({ installed: false });
    expect(await runCli(['connector', 'cors', 'list', '--json'])).toBe(0);
    expect(await runCli(['connector', 'logs', '--since', '1h'])).toBe(0);
    expect(await runCli(['connector', 'uninstall'])).toBe(0);
    expect(io.out.slice(1)).toEqual(['[]', 'not installed: nothing to remove']);
    expect(await runCli(['connector', 'cors', 'add', 'https://app.example.org'])).toBe(1);
    expect(io.err).toEqual(['t1c-lab: the connector is not installed (t1c-lab connector install)']);
  });
});
