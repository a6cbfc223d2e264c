import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopEntryText, execArgument } from './desktop-entry.js';
import type { ServiceSpec } from './spec.js';
import { systemdQuote, systemdUnitText } from './systemd.js';

const TRICKY = '/tmp/a dir/100% "quoted" $HOME `x` back\\slash';
const spec: ServiceSpec = {
  argv: ['/usr/bin/node', `${TRICKY}/dist/bin/t1c-lab.js`, 'connector', 'serve', '--config', '/home/u/.config/t1c-lab/connector.json'],
  env: { HOME: '/home/u', XDG_CONFIG_HOME: '/home/u/.config' },
  description: 't1c-lab connector (smart-card API on https://t1c.t1t.io:51983)',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 't1c-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** systemd's own reading of a quoted ExecStart word (C-style escapes in double quotes), `%%` → `%`, `$$` → `$`. */
function systemdUnquote(word: string): string {
  expect(word.startsWith('"') && word.endsWith('"')).toBe(true);
  return word.slice(1, -1).replace(/\\(.)/g, '$1').replace(/%%/g, '%').replace(/\$\$/g, '$');
}

describe('systemd user unit', () => {
  it('quotes every ExecStart word so systemd reads back the exact argv', () => {
    const text = systemdUnitText(spec);
    const exec = /^ExecStart=(.*)$/m.exec(text)![1]!;
    const words = exec.match(/"(?:[^"\\]|\\.)*"/g)!;
    expect(words.map(systemdUnquote)).toEqual(spec.argv);
    expect(text).toMatch(/^Environment="HOME=\/home\/u"$/m);
    expect(text).toMatch(/^UMask=0077$/m);
    expect(text).toMatch(/^WantedBy=default\.target$/m);
    expect(() => systemdQuote('a\nb')).toThrow(/line break/);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze') && process.env['T1C_LAB_STRICT'] !== '1')('passes systemd-analyze verify (and a broken unit does not)', async () => {
    const good = join(dir, 't1c-lab-connector.service');
    await writeFile(good, systemdUnitText({ ...spec, argv: ['/usr/bin/env', ...spec.argv.slice(1)] }));
    const verify = (file: string): string => {
      try {
        execFileSync('systemd-analyze', ['verify', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        return '';
      } catch (e) {
        return String((e as { stderr?: string }).stderr ?? e);
      }
    };
    expect(verify(good)).toBe('');
    const bad = join(dir, 'broken.service');
    await writeFile(bad, systemdUnitText(spec).replace(/^ExecStart=(.*)"$/m, 'ExecStart=$1'));
    expect(verify(bad)).toMatch(/quot|bad unit file setting/i);
  });
});

/** The Desktop Entry Specification's reading: string-value escapes first, then the Exec quoting rules. */
function desktopExecArgv(exec: string): string[] {
  const value = exec.replace(/\\(.)/g, (_m, c: string) => ({ s: ' ', n: '\n', t: '\t', r: '\r', '\\': '\\' })[c] ?? `\\${c}`);
  const argv: string[] = [];
  const re = /"((?:[^"\\]|\\["`$\\])*)"|(\S+)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) argv.push((m[1] !== undefined ? m[1].replace(/\\(["`$\\])/g, '$1') : m[2]!).replace(/%%/g, '%'));
  return argv;
}

describe('XDG autostart entry', () => {
  it('is a hidden application whose Exec reads back as env VAR=… then the exact argv', () => {
    const text = desktopEntryText(spec);
    expect(text.split('\n')[0]).toBe('[Desktop Entry]');
    expect(text).toMatch(/^Type=Application$/m);
    expect(text).toMatch(/^NoDisplay=true$/m);
    const exec = /^Exec=(.*)$/m.exec(text)![1]!;
    expect(desktopExecArgv(exec)).toEqual(['/usr/bin/env', 'HOME=/home/u', 'XDG_CONFIG_HOME=/home/u/.config', ...spec.argv]);
  });

  it('leaves plain words unquoted and refuses line breaks', () => {
    expect(execArgument('connector')).toBe('connector');
    expect(execArgument('a b')).toBe('"a b"');
    expect(() => execArgument('a\nb')).toThrow(/line break/);
  });
});
