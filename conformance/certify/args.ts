import { parseArgs } from 'node:util';
import { isCardProfileId, listCardProfiles, loadCardProfile } from '../../fixtures/cards/index.js';
import { parseBrowserList } from '../support/browser/selection.js';
import { BROWSER_NAMES, type BrowserName } from '../support/browser/types.js';
import type { CardChoice, CertifyPlan } from './run.js';

export const CERTIFY_USAGE = `usage: t1c-lab certify [--target URL --ca PEM [--origin ORIGIN] [--state FILE] [--ds-url URL --api-key KEY]] [--backend pcsc|embedded|both]
                     [--provider local|containers [--parallel N]] [--cards PROFILE[:PERSONA],…] [--suite NAME,…] [--browser chromium,firefox] [--report DIR]

Brings up the lab (or uses --target), runs the conformance suites per card type and backend, prints the
card type × suite matrix and writes index.html, summary.json and junit.xml (default reports/certification/).
With --target, --state names a file in the lab state format saying which card sits in which reader, and
--ds-url/--api-key the Distribution Service and an application API key the suites get tokens with
(or T1C_TARGET_DS_URL / T1C_TARGET_API_KEY).
--provider containers runs the pcsc backend's pcscd in a container per lab (default backend then pcsc);
--parallel N deals the card types over N such labs side by side and merges their reports.
--browser names the browsers the official SDK runs in (default both: Debian's chromium and firefox-esr); one that
is not installed is skipped with the reason, or fails the run with T1C_LAB_STRICT=1.
Exit code 1 when anything failed.`;

export class CertifyUsageError extends Error {}

export interface CertifyArgs extends Omit<CertifyPlan, 'onLine'> {
  readonly reportDir: string;
  readonly help: boolean;
}

export function parseCertifyArgs(args: string[], pcscAvailable: boolean): CertifyArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      options: {
        target: { type: 'string' },
        ca: { type: 'string' },
        origin: { type: 'string' },
        state: { type: 'string' },
        'ds-url': { type: 'string' },
        'api-key': { type: 'string' },
        backend: { type: 'string' },
        provider: { type: 'string' },
        parallel: { type: 'string' },
        cards: { type: 'string' },
        suite: { type: 'string' },
        browser: { type: 'string' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new CertifyUsageError((e as Error).message);
  }
  const v = parsed.values;
  const provider = v.provider ?? 'local';
  if (provider !== 'local' && provider !== 'containers') throw new CertifyUsageError(`--provider must be local or containers, not "${provider}"`);
  const parallel = v.parallel === undefined ? 1 : Number(v.parallel);
  if (!/^\d+$/.test(v.parallel ?? '1') || parallel < 1) throw new CertifyUsageError(`--parallel must be an integer ≥ 1, not "${v.parallel}"`);
  if (parallel > 1 && provider !== 'containers') throw new CertifyUsageError('--parallel needs --provider containers (one pcscd per machine otherwise)');
  if (v.target !== undefined && (v.provider !== undefined || v.parallel !== undefined)) throw new CertifyUsageError('--provider and --parallel concern the lab; --target certifies a connector without one');
  const backendArg = v.backend ?? (provider === 'containers' ? 'pcsc' : pcscAvailable ? 'both' : 'embedded');
  if (!['pcsc', 'embedded', 'both'].includes(backendArg)) throw new CertifyUsageError(`--backend must be pcsc, embedded or both, not "${backendArg}"`);
  const backends = backendArg === 'both' ? (['pcsc', 'embedded'] as const) : ([backendArg as 'pcsc' | 'embedded'] as const);
  if (v.target !== undefined && v.ca === undefined) throw new CertifyUsageError('--target needs --ca (the PEM of the CA that issued its certificate)');
  if ((v['ds-url'] === undefined) !== (v['api-key'] === undefined)) throw new CertifyUsageError('--ds-url and --api-key go together');
  let browsers: BrowserName[] = [...BROWSER_NAMES];
  if (v.browser !== undefined) {
    try {
      browsers = parseBrowserList(v.browser);
    } catch (e) {
      throw new CertifyUsageError(`--browser: ${(e as Error).message}`);
    }
    if (browsers.length === 0) throw new CertifyUsageError('--browser needs at least one browser');
  }
  const ds = v['ds-url'] !== undefined ? { ds: { url: v['ds-url'], apiKey: v['api-key']! } } : {};
  const cards: CardChoice[] = (v.cards ? v.cards.split(',').map((s) => s.trim()).filter(Boolean) : listCardProfiles().map((p) => p.id)).map((spec) => {
    const [profile, persona] = spec.split(':');
    if (!profile || !isCardProfileId(profile)) throw new CertifyUsageError(`unknown card type "${spec}"; known: ${listCardProfiles().map((p) => p.id).join(', ')}`);
    const p = loadCardProfile(profile);
    if (persona && !p.personas.includes(persona)) throw new CertifyUsageError(`persona "${persona}" does not fit ${profile}; fits: ${p.personas.join(', ')}`);
    return { profile, persona: persona ?? p.defaultPersona };
  });
  return {
    ...(v.target !== undefined ? { target: { url: v.target, caCert: v.ca!, ...(v.origin ? { origin: v.origin } : {}), ...(v.state ? { state: v.state } : {}), ...ds } } : {}),
    backends,
    browsers,
    ...(provider === 'containers' ? { provider } : {}),
    ...(parallel > 1 ? { parallel } : {}),
    cards,
    suites: v.suite ? v.suite.split(',').map((s) => s.trim()).filter(Boolean) : [],
    reportDir: v.report ?? 'reports/certification',
    help: v.help ?? false,
  };
}
