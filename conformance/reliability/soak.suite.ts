import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../connector/errors/catalogue.js';
import { labFault, labInsert, labPlug, labRemove, labUnplug } from '../../simulators/lab/lab-client.js';
import { labConnectorPid } from '../../simulators/lab/connector-process.js';
import { digestOf, isBeidProfile } from '../support/beid-expected.js';
import { freeReader } from '../support/fresh-card.js';
import { connectorClient, conformanceTarget, placedCards } from '../support/target.js';

// The soak: `npm run soak` (T1C_SOAK_MINUTES, default 10 there) keeps the lab's connector busy — reads, card and
// token signatures, cards pulled mid-signature and reinserted, readers unplugged (embedded) — and samples its
// resident memory and open file descriptors. Growth of either beyond 10% between the end of the warm-up (the first
// tenth) and the end fails. Skipped unless the variable is set, so it is not part of npm test.

const MINUTES = Number(process.env['T1C_SOAK_MINUTES'] ?? '0');
const SAMPLE_MS = Math.max(1_000, Math.min(10_000, (MINUTES * 60_000) / 60));
const GROWTH_LIMIT = 0.1;

const target = conformanceTarget();
const api = connectorClient(target);
afterAll(() => api.close());

interface Sample {
  readonly atS: number;
  readonly rssKiB: number;
  readonly fds: number;
}

function sample(pid: number, startedAt: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN);
  return { atS: Math.round((performance.now() - startedAt) / 1000), rssKiB, fds: readdirSync(`/proc/${pid}/fd`).length };
}

describe(`soak [${target.backend}]`, () => {
  const lab = target.labDir;
  const free = freeReader(target);
  const cards = placedCards(target, isBeidProfile).filter((c) => c.pin !== null);

  it.skipIf(!(MINUTES > 0) || !lab || !free || cards.length === 0 || process.platform !== 'linux')(
    `keeps the connector's memory and file descriptors flat for ${MINUTES} minutes of work and faults`,
    async () => {
      const pid = labConnectorPid(lab!);
      if (pid === null) throw new Error(`the lab in ${lab!} has no running connector to watch`);
      const startedAt = performance.now();
      const endAt = startedAt + MINUTES * 60_000;
      const samples: Sample[] = [sample(pid, startedAt)];
      const timer = setInterval(() => samples.push(sample(pid, startedAt)), SAMPLE_MS);
      let requests = 0;
      let failures = 0;
      const worker = async (i: number): Promise<void> => {
        while (performance.now() < endAt) {
          const card = cards[i % cards.length]!;
          const base = `/v3/modules/beid/apps/token/readers/${card.reader.id}`;
          const res =
            requests % 2 === 0
              ? await api.get(`${base}/biometric`)
              : await api.post(`${base}/sign`, { algorithm: 'sha256', data: digestOf('sha256', randomBytes(32)).toString('base64'), pin: card.pin }, { origin: target.allowedOrigin });
          requests += 1;
          if (res.status !== 200) failures += 1;
        }
      };
      // the PKCS#11 signing path too, when the lab has tokens: signatures with the PIN and in bulk mode
      const token = target.state?.tokens?.find((t) => t.id !== undefined);
      const tokenWorker = async (): Promise<void> => {
        const base = `/v3/modules/pkcs11/apps/token/readers/${token!.id!}`;
        const sign = (bulk: boolean, withPin: boolean) =>
          api.post<{ code?: number }>(`${base}/sign${bulk ? '?bulk=true' : ''}`, { algorithm: 'sha256', data: digestOf('sha256', randomBytes(32)).toString('base64'), ...(withPin ? { pin: token!.pin } : {}) }, { origin: target.allowedOrigin });
        for (let round = 0; performance.now() < endAt; round += 1) {
          const bulk = round % 2 === 1;
          let res = await sign(bulk, !bulk);
          if (bulk && res.body?.code === CATALOGUE.ERR_PIN_REQUIRED.code) {
            // bulk mode starts with a PIN and lasts five minutes: told "PIN required", a client sends it again
            requests += 1;
            res = await sign(true, true);
          }
          requests += 1;
          if (res.status !== 200) failures += 1;
        }
      };
      const faults = async (): Promise<void> => {
        const pin = '1234';
        for (let round = 0; performance.now() < endAt; round += 1) {
          const state = await labInsert({ profile: 'beid-1.8', persona: 'be-fr-adult' }, free!.index, lab!);
          const readerId = state.readers.find((r) => r.index === free!.index)!.id!;
          await labFault(free!.index, { kind: 'remove', atIns: 0x2a }, lab!);
          // the card leaves at its signature; the answer is an error whatever the PIN
          await api.post(`/v3/modules/beid/apps/token/readers/${readerId}/sign`, { algorithm: 'sha256', data: digestOf('sha256', randomBytes(32)).toString('base64'), pin }, { origin: target.allowedOrigin });
          if (target.backend === 'embedded' && round % 2 === 1) {
            // every other round the emptied reader is unplugged and plugged back in as well
            await labUnplug(free!.index, lab!);
            await labPlug(free!.index, lab!);
          }
          await labRemove(free!.index, lab!).catch(() => undefined);
        }
      };
      try {
        await Promise.all([worker(0), worker(1), worker(2), worker(3), faults(), ...(token ? [tokenWorker()] : [])]);
      } finally {
        clearInterval(timer);
      }
      samples.push(sample(pid, startedAt));
      const baseline = samples[Math.max(1, Math.floor(samples.length / 10))]!;
      const last = samples[samples.length - 1]!;
      process.stdout.write(`soak: ${requests} requests (${failures} not 200), connector pid ${pid}\n  t(s)  RSS(KiB)  fds\n`);
      for (const s of samples) process.stdout.write(`${String(s.atS).padStart(6)} ${String(s.rssKiB).padStart(9)} ${String(s.fds).padStart(4)}\n`);
      expect(failures, 'requests to the healthy cards that failed').toBe(0);
      expect(last.rssKiB, `RSS grew from ${baseline.rssKiB} KiB`).toBeLessThanOrEqual(baseline.rssKiB * (1 + GROWTH_LIMIT));
      expect(last.fds, `open fds grew from ${baseline.fds}`).toBeLessThanOrEqual(Math.ceil(baseline.fds * (1 + GROWTH_LIMIT)));
    },
    (MINUTES + 2) * 60_000,
  );
});
