import { parseArgs } from 'node:util';
import type { Backend } from '../simulators/lab/state.js';
import { DEFAULT_TOLERANCE } from './baseline.js';
import { RUN_PLAN } from './scenarios.js';
import { PROFILE_SIGN_MS } from '../simulators/cards/latency.js';

export const LOAD_USAGE = `usage: t1c-lab load [--target URL --ca PEM [--state FILE]] [--backend pcsc|embedded|both]
                    [--duration S] [--cards 1,2,4] [--card-latency MS] [--update-baseline]
                    [--baseline FILE] [--tolerance F] [--report-dir DIR] [--connector-log-level L]

Brings up a lab per backend (BeID 1.7 cards with distinct personas, the same again with a real-card latency
model, PKCS#11 tokens when the lab has them) or takes --target; measures the ceilings (the same APDUs straight
through the reader backend, raw C_Sign, the HTTPS /info rate) and the connector's paths with autocannon; writes
reports/load/{summary.json,report.md,report.html}; compares the ratios with load/baseline.json and exits 1 when
one regresses beyond the tolerance.

  --target URL --ca PEM  measure another connector (only /info and /v3/readers unless --state names cards+PINs)
  --backend B            pcsc, embedded or both (default: both where pcscd and vpcd are installed, else embedded)
  --duration S           seconds per measured step (default ${RUN_PLAN.durationS})
  --cards LIST           card counts for throughput vs cards (default ${RUN_PLAN.cardCounts.join(',')}; at most 4)
  --card-latency MS      PSO:CDS time of the latency-model cards (default ${PROFILE_SIGN_MS['beid-1.7']} ms, BeID 1.7 RSA-2048)
  --update-baseline      write this run's ratios into the baseline file
  --baseline FILE        default load/baseline.json
  --tolerance F          regression when a ratio < baseline × (1 − F) (default: the baseline's, else ${DEFAULT_TOLERANCE})
  --report-dir DIR       default reports/load
  --connector-log-level L  the lab connector's log level (default info, what users run; the lab's own default,
                         debug, adds a log line per APDU)`;

export class LoadUsageError extends Error {}

export interface LoadArgs {
  readonly help: boolean;
  readonly backends: readonly Backend[];
  readonly target?: { readonly url: string; readonly caCert: string; readonly state?: string };
  readonly durationS: number;
  readonly cardCounts: readonly number[];
  readonly signMs: number;
  readonly updateBaseline: boolean;
  readonly baselineFile: string;
  readonly tolerance: number | null;
  readonly reportDir: string;
  readonly connectorLogLevel: string;
}

function positive(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new LoadUsageError(`${name} must be a number in (0, ${max}], not "${text}"`);
  return value;
}

function loopback(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new LoadUsageError(`--target "${url}" is not a URL`);
  }
  const bare = host.replace(/^\[|\]$/g, '');
  if (!(bare === 'localhost' || bare === '::1' || bare === 't1c.t1t.io' || /^127\.\d+\.\d+\.\d+$/.test(bare))) {
    throw new LoadUsageError(`--target must be a loopback connector (127.0.0.0/8, ::1, localhost, t1c.t1t.io), not ${host}`);
  }
  return url;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(level: string): string {
  if (!LOG_LEVELS.includes(level)) throw new LoadUsageError(`--connector-log-level is one of ${LOG_LEVELS.join(', ')}, not "${level}"`);
  return level;
}

export function parseLoadArgs(args: readonly string[], pcscAvailable: boolean): LoadArgs {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      target: { type: 'string' },
      ca: { type: 'string' },
      state: { type: 'string' },
      backend: { type: 'string' },
      duration: { type: 'string' },
      cards: { type: 'string' },
      'card-latency': { type: 'string' },
      'update-baseline': { type: 'boolean' },
      baseline: { type: 'string' },
      tolerance: { type: 'string' },
      'report-dir': { type: 'string' },
      'connector-log-level': { type: 'string' },
    },
  });
  if (values.target !== undefined && values.ca === undefined) throw new LoadUsageError('--target needs --ca (the PEM of the CA that issued its certificate)');
  if (values.target === undefined && (values.ca !== undefined || values.state !== undefined)) throw new LoadUsageError('--ca and --state go with --target');
  const backend = values.backend ?? (pcscAvailable ? 'both' : 'embedded');
  if (!['pcsc', 'embedded', 'both'].includes(backend)) throw new LoadUsageError(`--backend is pcsc, embedded or both, not "${backend}"`);
  if (backend !== 'embedded' && !pcscAvailable && values.backend !== undefined) throw new LoadUsageError('--backend pcsc needs pcscd and the vpcd driver (apt install pcscd vsmartcard-vpcd)');
  const cardCounts = (values.cards ?? RUN_PLAN.cardCounts.join(',')).split(',').map((c) => positive('--cards', c.trim(), RUN_PLAN.signingPersonas.length));
  if (cardCounts.some((c) => !Number.isInteger(c))) throw new LoadUsageError('--cards takes whole numbers');
  if (!cardCounts.includes(1)) throw new LoadUsageError('--cards must include 1 (growth is measured against one card)');
  return {
    help: values.help === true,
    backends: backend === 'both' ? ['embedded', 'pcsc'] : [backend as Backend],
    ...(values.target !== undefined ? { target: { url: loopback(values.target), caCert: values.ca!, ...(values.state ? { state: values.state } : {}) } } : {}),
    durationS: values.duration === undefined ? RUN_PLAN.durationS : positive('--duration', values.duration, 600),
    cardCounts: [...new Set(cardCounts)].sort((a, b) => a - b),
    signMs: values['card-latency'] === undefined ? PROFILE_SIGN_MS['beid-1.7']! : positive('--card-latency', values['card-latency'], 5000),
    updateBaseline: values['update-baseline'] === true,
    baselineFile: values.baseline ?? 'load/baseline.json',
    tolerance: values.tolerance === undefined ? null : positive('--tolerance', values.tolerance, 1),
    reportDir: values['report-dir'] ?? 'reports/load',
    connectorLogLevel: logLevel(values['connector-log-level'] ?? 'info'),
  };
}
