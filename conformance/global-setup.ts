import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { labDown, labUp, defaultBackend } from '../simulators/lab/lab-client.js';
import { repoRoot } from '../simulators/lab/paths.js';
import { validateState, type Backend } from '../simulators/lab/state.js';
import { startBrowserBroker } from './support/browser/broker.js';
import { suiteBrowserOptions } from './support/browser/index.js';
import type { ConformanceTarget } from './support/target.js';

/** The cards a conformance run puts in the lab unless T1C_LAB_CARDS names others (PROFILE[:PERSONA],…). */
export const DEFAULT_CARDS = 'beid-1.7:be-nl-adult,beid-1.8:be-fr-adult,emv-bancontact:emv-debit-1,iso-echo';
export const APP_ORIGIN = 'https://app.t1c-lab.test';
export const FOREIGN_ORIGIN = 'https://evil.t1c-lab.test';

function parseCards(text: string): { profile: string; persona: string | null }[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const [profile, persona] = s.split(':');
      return { profile: profile!, persona: persona ?? null };
    });
}

/** The DS of a --target: T1C_TARGET_DS_URL and T1C_TARGET_API_KEY (an application's API key), both or neither. */
function targetDs(): ConformanceTarget['ds'] {
  const url = process.env['T1C_TARGET_DS_URL'];
  const apiKey = process.env['T1C_TARGET_API_KEY'];
  if (!url !== !apiKey) throw new Error('set both T1C_TARGET_DS_URL and T1C_TARGET_API_KEY, or neither');
  return url && apiKey ? { url, apiKey } : null;
}

/**
 * The run's browsers, shared by the suite files that drive one (each started on first use): provided to them as
 * `t1cBrowserBroker`; the returned function stops them.
 */
async function provideBrowsers(project: TestProject, target: ConformanceTarget): Promise<() => Promise<void>> {
  const broker = await startBrowserBroker(suiteBrowserOptions(target));
  project.provide('t1cBrowserBroker', broker.url);
  return () => broker.stop();
}

/**
 * One lab per conformance run (one pcscd per machine): brought up before the suites, torn down after. With
 * T1C_TARGET_URL the suites certify that connector instead, and the lab is not started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const targetUrl = process.env['T1C_TARGET_URL'];
  if (targetUrl) {
    const caCert = process.env['T1C_TARGET_CA'];
    if (!caCert) throw new Error('T1C_TARGET_URL needs T1C_TARGET_CA (the PEM of the CA that issued its certificate)');
    const targetState = process.env['T1C_TARGET_STATE'] ? validateState(JSON.parse(readFileSync(process.env['T1C_TARGET_STATE'], 'utf8'))) : null;
    const target: ConformanceTarget = {
      url: targetUrl,
      caCert,
      allowedOrigin: process.env['T1C_TARGET_ORIGIN'] ?? APP_ORIGIN,
      foreignOrigin: FOREIGN_ORIGIN,
      backend: 'target',
      // Which card sits in which reader of the target, in the lab state's format (e.g. a lab behind a proxy).
      state: targetState,
      labDir: null,
      ds: targetDs() ?? targetState?.ds ?? null,
    };
    project.provide('t1cTarget', target);
    return provideBrowsers(project, target);
  }
  const provider = process.env['T1C_LAB_PROVIDER'] === 'containers' ? 'containers' : 'local';
  const backend = (process.env['T1C_LAB_BACKEND'] as Backend | undefined) ?? (provider === 'containers' ? 'pcsc' : defaultBackend());
  // Labs side by side (certify --parallel) each have a dir of their own.
  const shard = process.env['T1C_LAB_SHARD'];
  const dir = path.join(repoRoot(), '.lab', `conformance-${backend}${provider === 'containers' ? '-ct' : ''}${shard ? `-${shard}` : ''}`);
  const cards = parseCards(process.env['T1C_LAB_CARDS'] ?? DEFAULT_CARDS);
  // One reader more than cards: suites that need a fresh card (new PIN counters) insert it there.
  const state = await labUp({ backend, cards, readers: cards.length + 1, dir, replace: true, boundToCaller: true, ...(provider === 'containers' && backend === 'pcsc' ? { provider } : {}), onNote: (line) => console.error(`t1c-lab: ${line}`) });
  if (!state.connector) {
    await labDown(dir);
    throw new Error('the lab came up without a connector');
  }
  // A lab in a container has its pcscd socket in the lab dir: the suites' own PC/SC clients (the test workers
  // inherit this environment) reach that pcscd, not the machine's.
  if (state.lab?.pcscdSocket) process.env['PCSCLITE_CSOCK_NAME'] = state.lab.pcscdSocket;
  const target: ConformanceTarget = {
    url: state.connector.url,
    caCert: state.connector.caCert,
    allowedOrigin: state.cors?.allowedOrigins[0] ?? APP_ORIGIN,
    foreignOrigin: FOREIGN_ORIGIN,
    backend,
    state,
    labDir: dir,
    ds: state.ds ?? null,
  };
  project.provide('t1cTarget', target);
  const stopBrowsers = await provideBrowsers(project, target);
  return async () => {
    await stopBrowsers();
    await labDown(dir);
  };
}
