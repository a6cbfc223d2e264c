import { measureCardCeiling, type CeilingResult } from './card-ceiling.js';
import { runHttpStep, TlsNotVerifiedError, type HttpStepResult, type StepTarget } from './http-step.js';
import { verifiedFingerprint } from './https-json.js';
import { runK6, type K6Outcome } from './k6-run.js';
import type { BackendMeasurement, NotMeasured, PathMeasurement, ScalingSeries } from './measurement.js';
import { measurePkcs11Ceiling, tokenKeyType, type TokenKeyType } from './pkcs11-ceiling.js';
import { RUN_PLAN, scenario, type ScenarioName } from './scenarios.js';
import { round3 } from './stats.js';
import { authHeaders, type LoadCard, type LoadTarget, type LoadToken } from './target.js';

export interface MeasureOptions {
  readonly durationS: number;
  readonly warmupS: number;
  readonly cardCounts: readonly number[];
  /** The latency model's sign time on the latency cards (for the report). */
  readonly signMs: number;
  /** The lab's SoftHSM config, for the raw C_Sign ceiling. */
  readonly softHsmConf: string | null;
  /** k6 on PATH: also run the k6 scenarios (open model) against the target. */
  readonly k6: { readonly path: string; readonly root: string; readonly summaryFile: string } | null;
  readonly onLine: (line: string) => void;
}

const fmt = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

/** The lowest ceiling and throughput / that ceiling. */
function againstCeilings(max: HttpStepResult, ceilings: Record<string, number | undefined>): Pick<PathMeasurement, 'ceilings' | 'limitedBy' | 'ceilingRatio'> {
  const known = Object.fromEntries(Object.entries(ceilings).filter((e): e is [string, number] => e[1] !== undefined && e[1] > 0));
  const [limitedBy, lowest] = Object.entries(known).sort((a, b) => a[1] - b[1])[0] ?? ['none', Number.NaN];
  return { ceilings: known, limitedBy, ceilingRatio: round3(max.throughput / lowest) };
}

/**
 * Measures one connector: first the ceilings that use the cards directly (a PC/SC session takes a card
 * exclusively, so they run before the connector has opened any), then every path over HTTPS.
 */
export async function measureTarget(target: LoadTarget, options: MeasureOptions): Promise<BackendMeasurement> {
  const log = options.onLine;
  const notMeasured: NotMeasured[] = [];
  await verifiedFingerprint(new URL('/info', target.url).href, target.ca); // a checked TLS connection before any load
  const plain = target.cards.filter((c) => !c.latency);
  const slow = target.cards.filter((c) => c.latency);
  const countsFor = (cards: readonly LoadCard[]): number[] => options.cardCounts.filter((n) => n <= cards.length);

  const cardCeiling = async (cards: readonly LoadCard[], n: number, latency: boolean): Promise<CeilingResult> => {
    const label = `direct APDU ceiling, ${n} card${n > 1 ? 's' : ''}${latency ? `, latency model ${options.signMs} ms` : ''}`;
    const result = await measureCardCeiling(label, {
      backend: target.backend === 'target' ? 'pcsc' : target.backend,
      cardHost: target.cardHost ?? '127.0.0.1',
      durationS: options.durationS,
      cards: cards.slice(0, n).map((c) => ({ readerName: c.readerName, profile: c.profile, persona: c.persona, pin: c.pin, latency: latency ? { signMs: options.signMs } : null })),
    });
    log(`  ${label}: ${fmt(result.throughput)} sig/s, p99 ${fmt(result.latency.p99)} ms`);
    return result;
  };
  // Ceilings on several cards, before the connector has opened any of them.
  const ownReaders = target.backend !== 'target';
  const plainCeilings: Record<string, CeilingResult> = {};
  const slowCeilings: Record<string, CeilingResult> = {};
  if (!ownReaders) {
    notMeasured.push({ what: 'direct APDU ceilings', reason: 'a --target connector owns its readers; only the lab gives the runner the same cards' });
  } else {
    for (const n of countsFor(plain)) if (n > 1) plainCeilings[n] = await cardCeiling(plain, n, false);
    for (const n of countsFor(slow)) slowCeilings[n] = await cardCeiling(slow, n, true);
  }

  const tokens = new Map<TokenKeyType, LoadToken>();
  for (const token of target.tokens) {
    const type = tokenKeyType(token.label);
    if (type && !tokens.has(type)) tokens.set(type, token);
  }
  const pkcs11Ceilings: Record<string, CeilingResult> = {};
  if (tokens.size === 0) notMeasured.push({ what: 'PKCS#11 sign (RSA, EC) and its C_Sign ceiling', reason: 'the lab state lists no PKCS#11 tokens (state.tokens is absent)' });
  for (const [type, token] of tokens) {
    try {
      pkcs11Ceilings[type] = await measurePkcs11Ceiling(`raw C_Sign ceiling, ${token.label}`, token, type, options.durationS, options.softHsmConf);
      log(`  raw C_Sign ceiling ${token.label}: ${fmt(pkcs11Ceilings[type].throughput)} sig/s`);
    } catch (e) {
      notMeasured.push({ what: `raw C_Sign ceiling on ${token.label}`, reason: e instanceof Error ? e.message : String(e) });
    }
  }

  const step = async (label: string, name: ScenarioName, targets: readonly StepTarget[], perTarget: number, overallRate?: number): Promise<HttpStepResult | null> => {
    try {
      const headers = await authHeaders(target);
      const result = await runHttpStep(target, { label, scenario: scenario(name), targets, connectionsPerTarget: perTarget, durationS: options.durationS, headers, ...(overallRate === undefined ? {} : { overallRate }) });
      log(`  ${label}: ${fmt(result.throughput)}/s, p50 ${fmt(result.latency.p50)} ms, p99 ${fmt(result.latency.p99)} ms, failed ${result.failed}`);
      if (result.ok === 0) throw new Error(`no successful request (HTTP ${JSON.stringify(result.statusCodes)})`);
      return result;
    } catch (e) {
      if (e instanceof TlsNotVerifiedError) throw e;
      notMeasured.push({ what: label, reason: e instanceof Error ? e.message : String(e) });
      log(`  ${label}: not measured — ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
  };
  const cardTargets = (cards: readonly LoadCard[]): StepTarget[] => cards.map((c) => ({ readerId: c.readerId, pin: c.pin }));
  const publicTarget: StepTarget[] = [{ readerId: null, pin: null }];

  // Warm-up: TLS sessions, JIT. Not reported.
  if (options.warmupS > 0) {
    await runHttpStep(target, { label: 'warm-up', scenario: scenario('info'), targets: publicTarget, connectionsPerTarget: RUN_PLAN.publicConnections, durationS: options.warmupS, headers: await authHeaders(target) });
  }

  const paths: Partial<Record<ScenarioName, PathMeasurement>> = {};
  const info = await step('GET /info, maximum rate (HTTPS ceiling)', 'info', publicTarget, RUN_PLAN.publicConnections);
  if (info) paths.info = { scenario: 'info', max: info, half: null, ...againstCeilings(info, { info: info.throughput }) };
  const readers = await step('GET /v3/readers, maximum rate', 'readers', publicTarget, RUN_PLAN.publicConnections);
  if (readers) paths.readers = { scenario: 'readers', max: readers, half: null, ...againstCeilings(readers, { info: info?.throughput }) };

  const measurePath = async (name: ScenarioName, targets: StepTarget[], ceilings: Record<string, number | undefined>): Promise<void> => {
    const title = scenario(name).title;
    if (options.warmupS > 0) {
      await runHttpStep(target, { label: 'warm-up', scenario: scenario(name), targets, connectionsPerTarget: RUN_PLAN.connectionsPerCard, durationS: options.warmupS, headers: await authHeaders(target) }).catch(() => undefined);
    }
    const max = await step(`${title}, maximum rate`, name, targets, RUN_PLAN.connectionsPerCard);
    if (!max) return;
    const rate = max.throughput * RUN_PLAN.halfRateFraction;
    const half = rate >= 1 ? await step(`${title}, half of maximum (${rate.toFixed(0)}/s)`, name, targets, RUN_PLAN.connectionsPerCard, rate) : null;
    paths[name] = { scenario: name, max, half, ...againstCeilings(max, { ...ceilings, info: info?.throughput }) };
  };
  // Each signing path between two 1-card ceilings (before and after), whose mean is its ceiling: both see the same
  // background load. The ceiling card is one the connector has not signed on (pcsc: a connector session leaves a
  // shared handle that keeps the ceiling's exclusive session out), the last plain card when there are several.
  const touched = new Set<string>();
  const ceilingCard = plain[plain.length - 1];
  const bracketCeiling = async (): Promise<CeilingResult | undefined> =>
    ownReaders && ceilingCard && (target.backend === 'embedded' || !touched.has(ceilingCard.readerId)) ? cardCeiling([ceilingCard], 1, false) : undefined;
  if (plain.length === 0) notMeasured.push({ what: 'BeID signing', reason: 'no BeID card with a known PIN (with --target, pass --state)' });
  const pathCards: [ScenarioName, LoadCard | undefined][] = [
    ['beid_bulk_sign', plain[0]],
    ['beid_sign', plain[1] ?? plain[0]],
  ];
  for (const [name, card] of pathCards) {
    if (!card) continue;
    const before = await bracketCeiling();
    touched.add(card.readerId);
    await measurePath(name, cardTargets([card]), {});
    const after = await bracketCeiling();
    const samples = [before, after].filter((c): c is CeilingResult => c !== undefined);
    const ceiling = samples.length === 0 ? undefined : { ...samples[0]!, label: `${samples[0]!.label} (mean of ${samples.length})`, throughput: round3(samples.reduce((a, c) => a + c.throughput, 0) / samples.length) };
    if (name === 'beid_bulk_sign' && ceiling) plainCeilings[1] = ceiling;
    const measured = paths[name];
    const cardCeilingValue = (ceiling ?? plainCeilings[1])?.throughput;
    if (measured) paths[name] = { ...measured, ...againstCeilings(measured.max, { card: cardCeilingValue, info: info?.throughput }) };
  }
  for (const [type, token] of tokens) {
    await measurePath(type === 'rsa' ? 'pkcs11_sign_rsa' : 'pkcs11_sign_ec', [{ readerId: token.readerId, pin: token.pin }], { pkcs11: pkcs11Ceilings[type]?.throughput });
  }

  const series = async (cards: readonly LoadCard[], ceilings: Record<string, CeilingResult>, what: string, first: HttpStepResult | null): Promise<ScalingSeries | null> => {
    const http: Record<string, HttpStepResult> = {};
    for (const n of countsFor(cards)) {
      const result = n === 1 && first ? first : await step(`BeID bulk sign, ${n} card${n > 1 ? 's' : ''}${what}`, 'beid_bulk_sign', cardTargets(cards.slice(0, n)), RUN_PLAN.connectionsPerCard);
      if (result) http[n] = result;
    }
    const one = http[1]?.throughput;
    if (one === undefined) return null;
    const growth = Object.fromEntries(Object.entries(http).map(([n, r]) => [n, round3(r.throughput / one)]));
    return { http, ceiling: ceilings, growth };
  };
  const plainSeries = await series(plain, plainCeilings, '', paths.beid_bulk_sign?.max ?? null);
  const slowSeries = await series(slow, slowCeilings, `, latency model ${options.signMs} ms`, null);
  if (slow.length === 0 && target.backend !== 'target') notMeasured.push({ what: 'throughput with the latency model', reason: 'no latency-model cards in the lab' });

  let k6: K6Outcome | null = null;
  if (options.k6) {
    log('  k6 on PATH: running the open-model scenarios (load/k6/t1c-load.ts)');
    k6 = await runK6(options.k6.path, options.k6.root, target, RUN_PLAN.k6DurationS, options.k6.summaryFile, log);
  }

  return {
    k6,
    backend: target.backend,
    cardHost: target.cardHost,
    auth: target.ds ? 'jwt' : 'none',
    ceilings: { info: info, pkcs11: pkcs11Ceilings },
    paths,
    scaling: { plain: plainSeries, latencyModel: slowSeries ? { ...slowSeries, signMs: options.signMs } : null },
    notMeasured,
  };
}
