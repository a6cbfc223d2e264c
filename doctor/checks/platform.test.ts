import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DISK_PROBLEM_BYTES, DISK_WARNING_BYTES, macosVersion } from '../support-table.js';
import { testContext } from '../test-support.js';
import { browserMajor, checkBrowsers, checkDisk, checkOs, parseOsRelease } from './platform.js';

const dir = mkdtempSync(path.join(tmpdir(), 't1c-doctor-platform-'));

function osRelease(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A program on a private PATH that prints `line` for --version, as the browser would. */
function fakeBrowser(command: string, line: string): void {
  const file = path.join(dir, command);
  writeFileSync(file, `#!/bin/sh\necho "${line}"\n`);
  chmodSync(file, 0o755);
}

describe('platform', () => {
  it('Debian and Ubuntu (and their derivatives) are supported; another distribution is a warning', async () => {
    const debian = osRelease('debian', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
    expect(await checkOs(testContext({ osReleaseFile: debian }))).toMatchObject({ status: 'ok', detail: expect.stringContaining('Debian GNU/Linux 12') });
    const mint = osRelease('mint', 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n');
    expect((await checkOs(testContext({ osReleaseFile: mint }))).status).toBe('ok');
    const fedora = osRelease('fedora', 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n');
    expect(await checkOs(testContext({ osReleaseFile: fedora }))).toMatchObject({ status: 'warning', detail: expect.stringContaining('not in the support table') });
    expect(parseOsRelease("ID='arch'\n# x\n")).toEqual({ ID: 'arch' });
  });

  it('macOS and Windows versions against the table', async () => {
    expect(macosVersion('24.1.0')).toBe(15);
    expect(await checkOs(testContext({ platform: 'darwin', osRelease: '24.1.0' }))).toMatchObject({ status: 'ok', detail: 'macOS 15' });
    expect(await checkOs(testContext({ platform: 'darwin', osRelease: '23.0.0' }))).toMatchObject({ status: 'warning', detail: expect.stringContaining('CCID') });
    expect(await checkOs(testContext({ platform: 'darwin', osRelease: '21.6.0' }))).toMatchObject({ status: 'warning', detail: expect.stringContaining('macOS 12: end of life') });
    expect((await checkOs(testContext({ platform: 'win32', osRelease: '10.0.22631' }))).status).toBe('ok');
    expect((await checkOs(testContext({ platform: 'win32', osRelease: '6.3.9600' }))).status).toBe('warning');
  });

  it('browsers: each found with its version, one below the minimum is a warning, none found a warning', async () => {
    fakeBrowser('chromium', 'Chromium 131.0.6778.139 built on Debian GNU/Linux 12 (bookworm)');
    fakeBrowser('firefox', 'Mozilla Firefox 68.12.0esr');
    const env = { PATH: dir };
    const commands = [
      { command: 'chromium', family: 'chrome' as const },
      { command: 'firefox', family: 'firefox' as const },
      { command: 'microsoft-edge', family: 'edge' as const },
    ];
    const r = await checkBrowsers(testContext({ env }), commands);
    expect(r).toMatchObject({ status: 'warning', detail: 'Mozilla Firefox 68.12.0esr is below the minimum firefox 76', fix: 'update firefox' });
    const ok = await checkBrowsers(testContext({ env }), commands.slice(0, 1));
    expect(ok).toMatchObject({ status: 'ok', detail: expect.stringContaining('Chromium 131.0.6778.139') });
    expect((await checkBrowsers(testContext({ env }), commands.slice(2))).status).toBe('warning');
    expect(browserMajor('Microsoft Edge 88.0.705.50')).toBe(88);
  });

  it('disk: reports the free space of the home directory, graded by the thresholds', async () => {
    const stats = await statfs(dir);
    const free = stats.bavail * stats.bsize;
    const r = await checkDisk(testContext({ home: dir }));
    const reported = Number(/^(\d+) MiB free under /.exec(r.detail)?.[1]);
    expect(Math.abs(reported - free / 1024 / 1024)).toBeLessThan(64); // other processes write meanwhile
    expect(r.detail).toContain(`free under ${dir}`);
    expect(r.status).toBe(free < DISK_PROBLEM_BYTES ? 'problem' : free < DISK_WARNING_BYTES ? 'warning' : 'ok');
  });
});
