import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { parseLabArgs } from './lab-args.js';

describe('t1c-lab lab argument parsing', () => {
  it('parses up with every option', () => {
    expect(
      parseLabArgs(['up', '--backend', 'embedded', '--provider', 'containers', '--card', 'iso-echo', '--card', 'beid-1.8:be-fr-adult', '--readers', '4', '--no-connector', '--no-apdu-log', '--no-tokens', '--console', '--replace', '--json']),
    ).toEqual({
      sub: 'up',
      backend: 'embedded',
      provider: 'containers',
      cards: [
        { profile: 'iso-echo', persona: null },
        { profile: 'beid-1.8', persona: 'be-fr-adult' },
      ],
      readers: 4,
      connector: false,
      apduLog: false,
      tokens: false,
      console: true,
      replace: true,
      json: true,
    });
  });

  it('gives up its defaults: backend chosen later, connector, APDU log and tokens on', () => {
    expect(parseLabArgs(['up'])).toEqual({ sub: 'up', backend: null, provider: null, cards: [], readers: null, connector: true, apduLog: true, tokens: true, console: false, replace: false, json: false });
    expect(parseLabArgs(['up', '--no-tokens'])).toMatchObject({ tokens: false });
  });

  it('parses status, console, down, insert and remove', () => {
    expect(parseLabArgs(['status', '--json'])).toEqual({ sub: 'status', json: true });
    expect(parseLabArgs(['console'])).toEqual({ sub: 'console', json: false });
    expect(parseLabArgs(['console', '--json'])).toEqual({ sub: 'console', json: true });
    expect(parseLabArgs(['down'])).toEqual({ sub: 'down' });
    expect(parseLabArgs(['insert', 'beid-1.7:be-nl-adult', '--reader', '1'])).toEqual({
      sub: 'insert',
      card: { profile: 'beid-1.7', persona: 'be-nl-adult' },
      reader: 1,
      json: false,
    });
    expect(parseLabArgs(['insert', 'iso-echo'])).toMatchObject({ reader: null });
    expect(parseLabArgs(['remove', '--reader', '0'])).toEqual({ sub: 'remove', reader: 0, json: false });
  });

  it('parses fault with each kind and its options', () => {
    expect(parseLabArgs(['fault', 'remove', '--reader', '1', '--after', '5'])).toEqual({ sub: 'fault', reader: 1, fault: { kind: 'remove', afterApdus: 5 }, json: false });
    expect(parseLabArgs(['fault', 'remove', '--reader', '0'])).toMatchObject({ fault: { kind: 'remove' } });
    expect(parseLabArgs(['fault', 'remove', '--reader', '0', '--at-ins', '2A'])).toMatchObject({ fault: { kind: 'remove', atIns: 0x2a } });
    expect(parseLabArgs(['fault', 'latency', '--reader', '0', '--model', 'fixed', '--sign-ms', '680', '--apdu-ms', '12', '--json'])).toEqual({
      sub: 'fault',
      reader: 0,
      fault: { kind: 'latency', model: 'fixed', signMs: 680, apduMs: 12 },
      json: true,
    });
    expect(parseLabArgs(['fault', 'drop', '--reader', '0', '--count', '2'])).toMatchObject({ fault: { kind: 'drop', count: 2 } });
    expect(parseLabArgs(['fault', 'pcscd-restart'])).toEqual({ sub: 'fault', reader: null, fault: { kind: 'pcscd-restart' }, json: false });
    expect(parseLabArgs(['fault', 'hostile', '--reader', '1', '--mode', 'garbage-data', '--seed', '7', '--honest', '3'])).toMatchObject({
      fault: { kind: 'hostile', mode: 'garbage-data', seed: 7, honestApdus: 3 },
    });
    for (const kind of ['power-off', 'corrupt', 'clear']) expect(parseLabArgs(['fault', kind, '--reader', '0'])).toMatchObject({ fault: { kind } });
    expect(parseLabArgs(['fault', 'unplug', '--reader', '2'])).toEqual({ sub: 'fault', reader: 2, fault: { kind: 'unplug' }, json: false });
    expect(parseLabArgs(['fault', 'plug', '--reader', '2', '--json'])).toEqual({ sub: 'fault', reader: 2, fault: { kind: 'plug' }, json: true });
  });

  it('answers --help at every level', () => {
    expect(parseLabArgs([])).toMatchObject({ sub: 'help', text: expect.stringContaining('t1c-lab lab <up|status|console|down|insert|remove|fault>') });
    expect(parseLabArgs(['--help'])).toMatchObject({ sub: 'help' });
    for (const sub of ['up', 'status', 'console', 'down', 'insert', 'remove', 'fault']) {
      expect(parseLabArgs([sub, '--help'])).toMatchObject({ sub: 'help', text: expect.stringContaining(`t1c-lab lab ${sub}`) });
    }
  });

  it.each([
    [['start'], /unknown lab subcommand "start"/],
    [['fault', 'unplug'], /lab fault needs --reader N/],
    [['fault', 'unplug', '--reader', '0', '--count', '2'], /lab fault unplug takes only --reader N, not --count/],
    [['up', '--backend', 'usb'], /--backend must be pcsc or embedded/],
    [['up', '--provider', 'podman'], /--provider must be local or containers/],
    [['up', '--card', 'iso-echo:'], /PROFILE\[:PERSONA\]/],
    [['up', '--readers', '0'], /--readers must be an integer ≥ 1/],
    [['up', '--bogus'], /Unknown option '--bogus'/],
    [['up', 'extra'], /Unexpected argument 'extra'|positional/],
    [['insert'], /exactly one PROFILE/],
    [['insert', 'a', 'b'], /exactly one PROFILE/],
    [['insert', 'iso-echo', '--reader', '-1'], /--reader|ambiguous|Option/],
    [['insert', 'iso-echo', '--reader', 'x'], /--reader must be an integer ≥ 0/],
    [['remove'], /needs --reader/],
    [['fault', '--reader', '0'], /exactly one KIND/],
    [['fault', 'melt', '--reader', '0'], /kind must be one of/],
    [['fault', 'drop'], /needs --reader/],
    [['fault', 'pcscd-restart', '--reader', '0'], /takes no --reader/],
    [['fault', 'drop', '--reader', '0', '--count', 'x'], /--count must be a number/],
    [['fault', 'drop', '--reader', '0', '--count', '0'], /count must be an integer/],
    [['fault', 'latency', '--reader', '0'], /latency model/],
    [['fault', 'hostile', '--reader', '0', '--mode', 'polite'], /hostile mode must be/],
    [['fault', 'remove', '--reader', '0', '--at-ins', 'PSO'], /--at-ins must be one hex byte/],
    [['fault', 'remove', '--reader', '0', '--at-ins', '2A', '--after', '3'], /not both/],
    [['down', '--json'], /Unknown option '--json'/],
  ])('rejects %j as a usage error', (args, message) => {
    let error: unknown;
    try {
      parseLabArgs(args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).helpHint).toMatch(/^t1c-lab lab( \w+)? --help$/);
  });
});
