/**
 * Test outcomes of a certification run, attributed to a card type and a suite. Built from vitest's JSON report:
 * the suite is the folder under conformance/, the card type the profile id named in the test's describe block.
 */
import { BROWSER_NAMES } from '../support/browser/types.js';

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface TestRecord {
  readonly backend: string;
  /** The browser a test ran in (`chromium`, `firefox`), for the suites that drive one. */
  readonly browser?: string;
  /** Card profile id, or `connector` for tests that concern no particular card. */
  readonly card: string;
  readonly suite: string;
  readonly name: string;
  readonly outcome: Outcome;
  /** First failure message (expected/actual included), or the skip reason. */
  readonly message?: string;
}

interface VitestAssertion {
  readonly ancestorTitles: readonly string[];
  readonly title: string;
  readonly status: string;
  readonly failureMessages?: readonly string[];
}

interface VitestFileResult {
  readonly name: string;
  readonly status?: string;
  readonly message?: string;
  readonly assertionResults: readonly VitestAssertion[];
}

export interface VitestJsonReport {
  readonly testResults: readonly VitestFileResult[];
}

export const CONNECTOR_ROW = 'connector';

/** The browser of a test: its describe block is titled `… [chromium]` or `… [firefox]` (support/in-browsers.ts). */
function browserOf(titles: readonly string[]): string | undefined {
  for (const title of titles) {
    const m = new RegExp(`\\[(${BROWSER_NAMES.join('|')})\\]`).exec(title);
    if (m) return m[1];
  }
  return undefined;
}

function suiteOf(file: string): string {
  const m = /conformance\/([^/]+)\//.exec(file.replace(/\\/g, '/'));
  return m?.[1] ?? 'other';
}

function cardOf(titles: readonly string[], profiles: readonly string[]): string {
  const text = titles.join(' ');
  // Longest ids first, so `beid-1.7` never matches a shorter id that prefixes it.
  const hit = [...profiles].sort((a, b) => b.length - a.length).find((p) => new RegExp(`(^|[^\\w.-])${p.replace(/[.]/g, '\\.')}([^\\w.-]|$)`).test(text));
  return hit ?? CONNECTOR_ROW;
}

/** Strips ANSI colours and keeps the head of a failure message (where vitest puts expected and actual). */
function clean(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((l) => !/^\s+at /.test(l)).slice(0, 40).join('\n').trim();
}

export function recordsFromVitest(report: VitestJsonReport, backend: string, profiles: readonly string[]): TestRecord[] {
  const out: TestRecord[] = [];
  for (const file of report.testResults) {
    const suite = suiteOf(file.name);
    if (file.assertionResults.length === 0 && file.status === 'failed') {
      out.push({ backend, card: CONNECTOR_ROW, suite, name: `${suite} (suite did not load)`, outcome: 'failed', message: clean(file.message ?? 'failed to load') });
      continue;
    }
    for (const a of file.assertionResults) {
      const outcome: Outcome = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      // The skip reason a title carries goes to `message`; the name keeps only the test's own words.
      const name = [...a.ancestorTitles, a.title.replace(/ \(skipped: [^)]*\)$/, '')].join(' › ');
      const message = outcome === 'failed' ? clean(a.failureMessages?.[0] ?? 'failed') : outcome === 'skipped' ? skipReason(a.title) : undefined;
      const browser = browserOf(a.ancestorTitles);
      out.push({ backend, ...(browser ? { browser } : {}), card: cardOf([...a.ancestorTitles, a.title], profiles), suite, name, outcome, ...(message ? { message } : {}) });
    }
  }
  return out;
}

/** Tests that skip for a reason carry it in their title as "(skipped: …)"; others are marked as not applicable. */
function skipReason(title: string): string {
  const m = /\(skipped: ([^)]*)\)/.exec(title);
  return m?.[1] ?? 'not applicable to this card or target';
}
