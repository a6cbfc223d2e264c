import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runProgram } from '../../installer/run.js';
import { xdgDirs } from '../../installer/paths.js';
import { chromiumNssDb, firefoxProfiles } from '../../installer/trust/nss.js';
import type { DoctorContext } from '../context.js';
import { result, type CheckResult } from '../types.js';

const ID = 'connector.browser-trust';
/** Stores a user may have that this check does not read. */
const NOT_CHECKED = "not checked: snap and flatpak browsers' own databases (~/snap/chromium, ~/.var/app)";
const TITLE = 'browser certificate stores';

/** Nicknames trusted for TLS servers (`C` in the first trust field) in a `certutil -L` listing. */
export function tlsTrustedNicknames(listing: string): string[] {
  const names: string[] = [];
  for (const line of listing.split('\n')) {
    const m = /^(.*?)\s+([CTPpcu]*),[CTPpcu]*,[CTPpcu]*\s*$/.exec(line);
    if (m?.[1] && m[2]?.includes('C')) names.push(m[1].trim());
  }
  return names;
}

/** Does the database hold the CA (same certificate) with TLS server trust (`C` in the first field)? */
async function nssTrusts(db: string, ca: X509Certificate): Promise<boolean | 'no-certutil'> {
  const listed = await runProgram('certutil', ['-L', '-d', `sql:${db}`]);
  if (listed.code === 127) return 'no-certutil';
  if (listed.code !== 0) return false;
  for (const nickname of tlsTrustedNicknames(listed.stdout)) {
    const pem = await runProgram('certutil', ['-L', '-d', `sql:${db}`, '-n', nickname, '-a']);
    for (const block of pem.stdout.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []) {
      if (new X509Certificate(block).fingerprint256 === ca.fingerprint256) return true;
    }
  }
  return false;
}

/**
 * Chromium and Firefox on Linux trust what their NSS databases hold, not the system store: checks the user's
 * databases for the connector CA, and names the stores it could not check.
 */
export async function checkBrowserStores(ctx: DoctorContext): Promise<CheckResult> {
  const { home, platform } = ctx.options;
  if (platform !== 'linux') return result(ID, 'connector', TITLE, 'n/a', `not checked on ${platform}: the browsers there use the system keychain or certificate store, checked above only as far as Node sees it`);
  const pem = ctx.facts.connectorCaPem;
  if (!pem) return result(ID, 'connector', TITLE, 'n/a', 'not checked: the connector certificate was not verified (see above)');
  const ca = new X509Certificate(pem);
  // Firefox profiles (~/.config/mozilla/firefox since Firefox 147, ~/.mozilla/firefox before): one that never ran
  // has no database yet, and Firefox will make an empty one — as good as missing the CA.
  const firefox = await firefoxProfiles(home, xdgDirs({ ...ctx.options.env, HOME: home }).configHome);
  const chromium = [chromiumNssDb(home)].filter((db) => existsSync(join(db, 'cert9.db')));
  const dbs = [...chromium.map((db) => ({ browser: 'Chromium/Chrome', db })), ...firefox.map((db) => ({ browser: 'Firefox', db }))];
  if (dbs.length === 0) return result(ID, 'connector', TITLE, 'n/a', `no browser certificate database under ${home} (~/.pki/nssdb, Firefox profiles): no browser has run as this user; Chrome and Firefox will create one and need the CA added then (t1c-lab connector install does)`);
  const missing: string[] = [];
  const trusted: string[] = [];
  for (const { browser, db } of dbs) {
    const found = await nssTrusts(db, ca);
    if (found === 'no-certutil') return result(ID, 'connector', TITLE, 'warning', `${dbs.map((d) => d.db).join(', ')} not checked: certutil is not installed`, 'sudo apt-get install libnss3-tools, then run doctor again');
    (found ? trusted : missing).push(`${browser} (${db})`);
  }
  if (missing.length === 0) return result(ID, 'connector', TITLE, 'ok', `the connector CA is trusted in ${trusted.join(', ')} (${NOT_CHECKED})`);
  return result(
    ID,
    'connector',
    TITLE,
    'warning',
    `the connector CA is not in ${missing.join(', ')}: that browser will refuse https://${ctx.options.connectorName}${trusted.length > 0 ? `; trusted in ${trusted.join(', ')}` : ''} (${NOT_CHECKED})`,
    `t1c-lab connector install trusts it in every database, or: certutil -d sql:DB -A -t C,, -n t1c-connector -i CA.pem (DB: ${missing.map((m) => m.replace(/^.*\((.*)\)$/, '$1')).join(', ')})`,
  );
}
