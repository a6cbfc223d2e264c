import { describe, expect, it } from 'vitest';
import { LoadUsageError, parseLoadArgs } from './args.js';
import { RUN_PLAN } from './scenarios.js';

describe('t1c-lab load arguments', () => {
  it('defaults: both backends where pcsc is available, else embedded; the plan from scenarios.ts', () => {
    const withPcsc = parseLoadArgs([], true);
    expect(withPcsc.backends).toEqual(['embedded', 'pcsc']);
    expect(withPcsc.durationS).toBe(RUN_PLAN.durationS);
    expect(withPcsc.cardCounts).toEqual([...RUN_PLAN.cardCounts]);
    expect(withPcsc.connectorLogLevel).toBe('info');
    expect(withPcsc.baselineFile).toBe('load/baseline.json');
    expect(parseLoadArgs([], false).backends).toEqual(['embedded']);
  });

  it('takes a loopback --target with its CA and a state file', () => {
    const a = parseLoadArgs(['--target', 'https://127.0.0.1:51983', '--ca', 'ca.pem', '--state', 's.json', '--duration', '2.5', '--cards', '2,1', '--card-latency', '60'], false);
    expect(a.target).toEqual({ url: 'https://127.0.0.1:51983', caCert: 'ca.pem', state: 's.json' });
    expect(a.durationS).toBe(2.5);
    expect(a.cardCounts).toEqual([1, 2]);
    expect(a.signMs).toBe(60);
  });

  it.each([
    [['--target', 'https://example.org'], /--ca/],
    [['--target', 'https://example.org', '--ca', 'x.pem'], /loopback/],
    [['--ca', 'x.pem'], /go with --target/],
    [['--cards', '2,4'], /include 1/],
    [['--cards', '5'], /--cards/],
    [['--duration', '0'], /--duration/],
    [['--backend', 'usb'], /--backend/],
    [['--connector-log-level', 'loud'], /log-level/],
  ])('refuses %j', (args, message) => {
    expect(() => parseLoadArgs(args, true)).toThrow(LoadUsageError);
    expect(() => parseLoadArgs(args, true)).toThrow(message);
  });

  it('refuses --backend pcsc where pcscd is missing', () => {
    expect(() => parseLoadArgs(['--backend', 'pcsc'], false)).toThrow(/pcscd/);
  });
});
