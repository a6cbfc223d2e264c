import { describe, expect, it } from 'vitest';
import { checkProxy } from './checks/proxy.js';
import { renderJson, renderText } from './render.js';
import { CHECKS, runDoctor } from './runner.js';
import { testContext } from './test-support.js';
import { result } from './types.js';

const options = testContext().options;

describe('doctor runner and rendering', () => {
  it('runs every area of the prerequisites page, each check once', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.split('.')[0]))).toEqual(new Set(['name', 'proxy', 'connector', 'ds', 'cors', 'hardware', 'platform']));
  });

  it('a check that throws is its own problem and the run goes on; exit 1 on a problem, 0 with warnings only', async () => {
    const report = await runDoctor(options, [
      {
        id: 'platform.broken',
        run: () => {
          throw new Error('boom');
        },
      },
      { id: 'proxy.environment', run: (ctx) => checkProxy(ctx) },
    ]);
    expect(report.checks.map((c) => [c.id, c.status, c.detail])).toEqual([
      ['platform.broken', 'problem', 'the check failed: boom'],
      ['proxy.environment', 'ok', expect.stringContaining('no proxy')],
    ]);
    expect(report).toMatchObject({ exitCode: 1, summary: { ok: 1, warning: 0, problem: 1, 'n/a': 0 } });
    const warned = await runDoctor(options, [{ id: 'ds.clock', run: () => result('ds.clock', 'ds', 'clock', 'warning', '40 s off', 'sync') }]);
    expect(warned.exitCode).toBe(0);
  });

  it('prints a fix under each warning and problem only, grouped by area; JSON carries the same', async () => {
    const report = await runDoctor(options, [
      { id: 'ds.clock', run: () => [result('ds.reachable', 'ds', 'DS', 'ok', 'answers', 'unused'), result('ds.clock', 'ds', 'clock', 'problem', '90 s off', 'sudo timedatectl set-ntp true')] },
    ]);
    expect(renderText(report).split('\n')).toEqual([
      't1c-lab doctor: https://t1c.t1t.io:51983',
      '',
      'Distribution Service',
      '  ok      DS: answers',
      '  problem clock: 90 s off',
      '          fix: sudo timedatectl set-ntp true',
      '',
      '1 ok, 0 warning(s), 1 problem(s), 0 not applicable here',
    ]);
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
