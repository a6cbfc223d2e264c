import { checkBrowserStores } from './checks/browser-stores.js';
import { checkConnectorInfo } from './checks/connector-info.js';
import { checkConnectorReachable } from './checks/connector-reachable.js';
import { checkConnectorTls } from './checks/connector-tls.js';
import { checkCors } from './checks/cors.js';
import { checkDs, checkToken } from './checks/ds.js';
import { checkPcscd, checkPkcs11, checkReaders } from './checks/hardware.js';
import { checkNameResolution } from './checks/name-resolution.js';
import { checkBrowsers, checkDisk, checkOs } from './checks/platform.js';
import { checkProxy } from './checks/proxy.js';
import { newContext, type DoctorContext, type DoctorOptions } from './context.js';
import { errorMessage } from './http.js';
import { result, type CheckResult, type CheckStatus } from './types.js';

type Check = (ctx: DoctorContext) => Promise<CheckResult | CheckResult[]> | CheckResult | CheckResult[];

/** In order: later checks use what earlier ones learnt (the CA, /info, the token). */
export interface DoctorCheck {
  readonly id: string;
  readonly run: Check;
}

export const CHECKS: readonly DoctorCheck[] = [
  { id: 'name.resolution', run: checkNameResolution },
  { id: 'proxy.environment', run: checkProxy },
  { id: 'connector.reachable', run: checkConnectorReachable },
  { id: 'connector.tls', run: checkConnectorTls },
  { id: 'connector.info', run: checkConnectorInfo },
  { id: 'connector.browser-trust', run: checkBrowserStores },
  { id: 'ds', run: checkDs },
  { id: 'ds.token', run: checkToken },
  { id: 'cors.origin', run: checkCors },
  { id: 'hardware.pcscd', run: checkPcscd },
  { id: 'hardware.readers', run: checkReaders },
  { id: 'hardware.pkcs11', run: checkPkcs11 },
  { id: 'platform.os', run: checkOs },
  { id: 'platform.disk', run: checkDisk },
  { id: 'platform.browsers', run: checkBrowsers },
];

export interface DoctorReport {
  readonly connector: string;
  readonly summary: Record<CheckStatus, number>;
  /** 1 when a problem stops the connector from working, else 0. */
  readonly exitCode: 0 | 1;
  readonly checks: readonly CheckResult[];
}

/** Runs every check; a check that throws is reported as its own problem, never ends the run. */
export async function runDoctor(options: DoctorOptions, checkList: readonly DoctorCheck[] = CHECKS): Promise<DoctorReport> {
  const ctx = newContext(options);
  const checks: CheckResult[] = [];
  for (const check of checkList) {
    try {
      const out = await check.run(ctx);
      checks.push(...(Array.isArray(out) ? out : [out]));
    } catch (e) {
      const group = check.id.split('.')[0] as CheckResult['group'];
      checks.push(result(check.id, group, check.id, 'problem', `the check failed: ${errorMessage(e)}`, 'report this as a doctor bug'));
    }
  }
  const summary: Record<CheckStatus, number> = { ok: 0, warning: 0, problem: 0, 'n/a': 0 };
  for (const c of checks) summary[c.status]++;
  return { connector: options.connectorUrl, summary, exitCode: summary.problem > 0 ? 1 : 0, checks };
}
