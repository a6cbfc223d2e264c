import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowListFile, watchAllowListFile } from './allow-list-file.js';
import { SyncedOriginList } from './cors-sync.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-allow-list-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseAllowListFile', () => {
  it('takes exact origins and drops duplicates', () => {
    expect(parseAllowListFile('{"allowedOrigins":["https://a.example","http://localhost:8080","https://a.example"]}')).toEqual(['https://a.example', 'http://localhost:8080']);
    expect(parseAllowListFile('{}')).toEqual([]);
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    ['an unknown key', '{"origins":[]}'],
    ['a path', '{"allowedOrigins":["https://a.example/app"]}'],
    ['a trailing slash', '{"allowedOrigins":["https://a.example/"]}'],
    ['a wildcard', '{"allowedOrigins":["*"]}'],
    ['a non-string', '{"allowedOrigins":[1]}'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseAllowListFile(text)).toThrow();
  });
});

/** Resolves when `list.has(origin)` becomes `expected` (checked on every apply). */
function appliedWhen(list: SyncedOriginList, origin: string, expected: boolean): { apply: (o: readonly string[]) => void; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    apply: (origins) => {
      list.setFileOrigins(origins);
      if (list.has(origin) === expected) resolve();
    },
    done,
  };
}

describe('watchAllowListFile', () => {
  it('applies the file at start, then each replacement by rename, keeps the last good list on a bad file', async () => {
    const file = join(dir, 'cors.json');
    await writeFile(file, '{"allowedOrigins":["https://first.example"]}');
    const list = new SyncedOriginList(['https://configured.example']);
    const warnings: string[] = [];
    let onWarn = (): void => undefined;
    let onApply: (o: readonly string[]) => void = (o) => list.setFileOrigins(o);
    const watch = watchAllowListFile(
      file,
      (o) => onApply(o),
      (m) => {
        warnings.push(m);
        onWarn();
      },
    );
    try {
      await watch.ready;
      expect(list.list()).toEqual(['https://configured.example', 'https://first.example']);

      const second = appliedWhen(list, 'https://second.example', true);
      onApply = second.apply;
      await writeFile(`${file}.tmp`, '{"allowedOrigins":["https://second.example"]}');
      await rename(`${file}.tmp`, file);
      await second.done;
      expect(list.has('https://first.example')).toBe(false);

      onApply = (o) => list.setFileOrigins(o);
      const warned = new Promise<void>((resolve) => (onWarn = resolve));
      await writeFile(file, '{"allowedOrigins":["https://x.example/path"]}');
      await warned;
      expect(warnings[0]).toMatch(/ignored, keeping the last list/);
      expect(list.has('https://second.example')).toBe(true);

      const removed = appliedWhen(list, 'https://second.example', false);
      onApply = removed.apply;
      await rm(file);
      await removed.done;
      expect(list.list()).toEqual(['https://configured.example']);
    } finally {
      watch.close();
    }
  });
});
