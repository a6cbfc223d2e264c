import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../simulators/lab/paths.js';
import { k6Target } from './k6-run.js';
import type { LoadTarget } from './target.js';

const run = promisify(execFile);

describe('the k6 scenarios', () => {
  it('type-check against @types/k6 (load/k6/tsconfig.json)', async () => {
    const root = repoRoot();
    const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', path.join(root, 'load', 'k6', 'tsconfig.json')], { cwd: root }).catch((e: { stdout?: string; code?: number }) => e);
    expect('stdout' in result ? result.stdout : '').toBe('');
    expect('code' in result ? result.code : 0).toBe(0);
  }, 30_000);

  it('get the plain cards with their PINs and the tokens by key type, never the latency-model cards', () => {
    const card = { readerIndex: 0, readerName: 'r0', profile: 'beid-1.7', persona: 'be-nl-adult', pin: '1234' };
    const target: LoadTarget = {
      url: 'https://127.0.0.1:1',
      caCertPath: 'ca.pem',
      ca: Buffer.alloc(0),
      backend: 'embedded',
      cards: [
        { ...card, readerId: 'a', latency: false },
        { ...card, readerId: 'b', latency: true },
      ],
      tokens: [
        { readerId: 't1', label: 't1c-lab RSA-2048', pin: '111111', module: 'm' },
        { readerId: 't2', label: 't1c-lab EC P-256', pin: '222222', module: 'm' },
        { readerId: 't3', label: 'something else', pin: '0', module: 'm' },
      ],
      ds: null,
      cardHost: null,
    };
    expect(k6Target(target, 30)).toEqual({
      url: 'https://127.0.0.1:1',
      readers: [{ id: 'a', pin: '1234' }],
      tokens: [
        { id: 't1', pin: '111111', keyType: 'rsa' },
        { id: 't2', pin: '222222', keyType: 'ec' },
      ],
      durationS: 30,
    });
  });
});
