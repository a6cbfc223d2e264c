import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCardProfiles } from '../../fixtures/cards/index.js';
import { parseCertifyArgs, CertifyUsageError } from './args.js';
import { buildMatrix, terminalTable } from './matrix.js';
import { indexHtml, junitXml, summaryJson } from './reports.js';
import { recordsFromVitest, type VitestJsonReport } from './results.js';
import { runScreenshots } from './screenshots.js';

const report: VitestJsonReport = {
  testResults: [
    {
      name: '/repo/conformance/core/readers.suite.ts',
      assertionResults: [
        { ancestorTitles: ['core [pcsc]'], title: 'GET /info answers', status: 'passed' },
        { ancestorTitles: ['core [pcsc]'], title: 'lists the reader holding beid-1.8 with its ATR and module', status: 'passed' },
      ],
    },
    {
      name: '/repo/conformance/beid/data.suite.ts',
      assertionResults: [
        { ancestorTitles: ['beid data — beid-1.7:be-nl-adult [pcsc]'], title: 'biometric', status: 'failed', failureMessages: ['\u001b[31mAssertionError: expected "Peeters" to be "Janssens"\u001b[39m\n    at x'] },
        { ancestorTitles: ['beid data — beid-1.8:be-fr-adult [pcsc]'], title: 'sign with PSS (skipped: RSA only)', status: 'skipped' },
      ],
    },
  ],
};

describe('certification results', () => {
  const records = recordsFromVitest(report, 'pcsc', ['beid-1.7', 'beid-1.8', 'iso-echo']);

  it('attributes tests to card types and suites', () => {
    expect(records.map((r) => [r.card, r.suite, r.outcome])).toEqual([
      ['connector', 'core', 'passed'],
      ['beid-1.8', 'core', 'passed'],
      ['beid-1.7', 'beid', 'failed'],
      ['beid-1.8', 'beid', 'skipped'],
    ]);
    expect(records[2]!.message).toBe('AssertionError: expected "Peeters" to be "Janssens"');
    expect(records[3]!.message).toBe('RSA only');
    expect(records[3]!.name).toBe('beid data — beid-1.8:be-fr-adult [pcsc] › sign with PSS');
  });

  it('gives a red verdict when anything failed, and names the failure in every report', () => {
    const matrix = buildMatrix(records);
    expect(matrix.verdict).toBe('fail');
    expect(matrix.cards).toEqual(['connector', 'beid-1.7', 'beid-1.8']);
    expect(terminalTable(matrix)).toMatch(/beid-1\.7\s+FAIL 1\/1/);
    const run = { target: 'lab', backends: ['pcsc'], cards: [], environment: { node: 'v20' }, startedAt: 'x', durationMs: 1 };
    expect(junitXml(records)).toContain('<failure message="AssertionError: expected &quot;Peeters&quot; to be &quot;Janssens&quot;"');
    expect(indexHtml(matrix, records, run)).toContain('Janssens');
    const summary = JSON.parse(summaryJson(matrix, records, run));
    expect(summary.result.verdict).toBe('fail');
  });

  it('writes the compared part of summary.json the same way whatever the run', () => {
    const matrix = buildMatrix(records);
    const a = JSON.parse(summaryJson(matrix, records, { target: 'lab', backends: [], cards: [], environment: {}, startedAt: '1', durationMs: 1 }));
    const b = JSON.parse(summaryJson(buildMatrix([...records].reverse()), [...records].reverse(), { target: 'lab', backends: [], cards: [], environment: {}, startedAt: '2', durationMs: 9 }));
    expect(JSON.stringify(a.result)).toBe(JSON.stringify(b.result));
  });

  it("links this run's console screenshots, and only those", () => {
    const root = mkdtempSync(path.join(tmpdir(), 't1c-certify-shots-'));
    try {
      const shots = path.join(root, 'console');
      const started = new Date(Date.now() - 2000); // file times come from a coarser clock than Date.now()
      mkdirSync(shots);
      writeFileSync(path.join(shots, 'notes.txt'), 'not a screenshot');
      writeFileSync(path.join(shots, 'console-pcsc-chromium.png'), 'png');
      writeFileSync(path.join(shots, 'demo-pcsc-chromium.png'), 'png');
      writeFileSync(path.join(shots, 'old.png'), 'png');
      utimesSync(path.join(shots, 'old.png'), new Date(started.getTime() - 3600_000), new Date(started.getTime() - 3600_000));
      const links = runScreenshots(path.join(root, 'certification'), started, shots);
      expect(links).toEqual(['../console/console-pcsc-chromium.png', '../console/demo-pcsc-chromium.png']);
      const run = { target: 'lab', backends: ['pcsc'], cards: [], environment: {}, startedAt: 'x', durationMs: 1, screenshots: links };
      const html = indexHtml(buildMatrix(records), records, run);
      expect(html).toContain('<h2>Lab console</h2>');
      expect(html).toContain('<a href="../console/demo-pcsc-chromium.png"><img src="../console/demo-pcsc-chromium.png"');
      expect(indexHtml(buildMatrix(records), records, { ...run, screenshots: [] })).not.toContain('Lab console');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('passes only with passing tests and no failure', () => {
    expect(buildMatrix(records.filter((r) => r.outcome !== 'failed')).verdict).toBe('pass');
    expect(buildMatrix([]).verdict).toBe('fail');
  });
});

describe('the browser axis', () => {
  const sdk: VitestJsonReport = {
    testResults: [
      {
        name: '/repo/conformance/sdk/sdk.suite.ts',
        assertionResults: [
          { ancestorTitles: ['official SDK [pcsc] [chromium]', 'beid-1.7:be-nl-adult'], title: 'signs', status: 'passed' },
          { ancestorTitles: ['official SDK [pcsc] [firefox]', 'beid-1.7:be-nl-adult'], title: 'signs', status: 'failed', failureMessages: ['AssertionError: x'] },
          { ancestorTitles: ['official SDK [pcsc] [firefox]'], title: 'runs in firefox (skipped: /usr/bin/firefox-esr is not installed)', status: 'skipped' },
        ],
      },
      { name: '/repo/conformance/core/readers.suite.ts', assertionResults: [{ ancestorTitles: ['core [pcsc]'], title: 'GET /info answers', status: 'passed' }] },
    ],
  };
  const records = recordsFromVitest(sdk, 'pcsc', ['beid-1.7']);

  it('tells the browser of a test from its describe block, and none for tests that drive no browser', () => {
    expect(records.map((r) => [r.card, r.suite, r.browser ?? null, r.outcome])).toEqual([
      ['beid-1.7', 'sdk', 'chromium', 'passed'],
      ['beid-1.7', 'sdk', 'firefox', 'failed'],
      ['connector', 'sdk', 'firefox', 'skipped'],
      ['connector', 'core', null, 'passed'],
    ]);
    expect(records[2]!.message).toBe('/usr/bin/firefox-esr is not installed');
  });

  it('gives each browser a column of its own, beside the backend', () => {
    const matrix = buildMatrix(records);
    expect(matrix.columns).toEqual([
      { suite: 'core', column: 'pcsc' },
      { suite: 'sdk', column: 'pcsc · chromium' },
      { suite: 'sdk', column: 'pcsc · firefox' },
    ]);
    expect(matrix.cells['beid-1.7']!['sdk']).toEqual({ 'pcsc · chromium': { passed: 1, failed: 0, skipped: 0 }, 'pcsc · firefox': { passed: 0, failed: 1, skipped: 0 } });
    expect(terminalTable(matrix)).toMatch(/sdk \[pcsc · firefox\]/);
    const run = { target: 'lab', backends: ['pcsc'], browsers: { chromium: 'Chromium 156.0.8078.129', firefox: 'Mozilla Firefox 153.8.0esr' }, cards: [], environment: {}, startedAt: 'x', durationMs: 1 };
    expect(indexHtml(matrix, records, run)).toContain('firefox — Mozilla Firefox 153.8.0esr');
    expect(junitXml(records)).toContain('testsuite name="beid-1.7.sdk[pcsc · firefox]"');
    expect(JSON.parse(summaryJson(matrix, records, run)).run.browsers.firefox).toBe('Mozilla Firefox 153.8.0esr');
  });
});

describe('certify arguments', () => {
  it('defaults to every card type on both backends when pcscd is there', () => {
    const a = parseCertifyArgs([], true);
    expect(a.backends).toEqual(['pcsc', 'embedded']);
    expect(a.cards.map((c) => c.profile)).toEqual(listCardProfiles().map((p) => p.id));
    expect(a.cards.map((c) => c.profile)).toContain('beid-1.7-recorded');
    expect(a.cards[0]!.persona).toBe('be-nl-adult');
    expect(parseCertifyArgs([], false).backends).toEqual(['embedded']);
  });

  it('runs the SDK in both browsers unless --browser names some', () => {
    expect(parseCertifyArgs([], true).browsers).toEqual(['chromium', 'firefox']);
    expect(parseCertifyArgs(['--browser', 'firefox'], true).browsers).toEqual(['firefox']);
    expect(parseCertifyArgs(['--browser', 'Firefox, chromium,firefox'], true).browsers).toEqual(['firefox', 'chromium']);
    expect(() => parseCertifyArgs(['--browser', 'webkit'], true)).toThrow(/unknown browser "webkit"/);
    expect(() => parseCertifyArgs(['--browser', ''], true)).toThrow(/at least one/);
  });

  it('refuses unknown cards, personas that do not fit, and a target without its CA', () => {
    expect(() => parseCertifyArgs(['--cards', 'nope'], true)).toThrow(CertifyUsageError);
    expect(() => parseCertifyArgs(['--cards', 'beid-1.7:emv-debit-1'], true)).toThrow(/does not fit/);
    expect(() => parseCertifyArgs(['--target', 'https://127.0.0.1:1'], true)).toThrow(/--ca/);
    expect(() => parseCertifyArgs(['--backend', 'usb'], true)).toThrow(CertifyUsageError);
  });

  it('takes --provider containers (backend pcsc by default, even without a local pcscd) and --parallel N with it only', () => {
    expect(parseCertifyArgs(['--provider', 'containers', '--parallel', '2'], false)).toMatchObject({ backends: ['pcsc'], provider: 'containers', parallel: 2 });
    expect(parseCertifyArgs(['--provider', 'local'], true)).not.toHaveProperty('provider');
    expect(() => parseCertifyArgs(['--parallel', '2'], true)).toThrow(/needs --provider containers/);
    expect(() => parseCertifyArgs(['--provider', 'containers', '--parallel', '0'], true)).toThrow(/--parallel must be an integer/);
    expect(() => parseCertifyArgs(['--provider', 'podman'], true)).toThrow(/--provider must be local or containers/);
    expect(() => parseCertifyArgs(['--target', 'https://127.0.0.1:1', '--ca', 'x', '--provider', 'containers'], true)).toThrow(/concern the lab/);
  });
});
