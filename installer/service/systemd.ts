import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { writePrivate } from '../private-fs.js';
import { runProgram } from '../run.js';
import type { ServiceSpec } from './spec.js';

/**
 * One word of a unit's ExecStart (`exec`) or Environment: double-quoted, `\` and `"` escaped, `%` doubled
 * (systemd.unit specifiers), and in ExecStart `$` doubled (systemd.service variable expansion).
 */
export function systemdQuote(word: string, exec = true): string {
  if (/[\n\r]/.test(word)) throw new Error('a line break cannot be part of a systemd unit value');
  const escaped = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  return `"${exec ? escaped.replace(/\$/g, '$$$$') : escaped}"`;
}

/** The user unit's text: a simple service restarted on failure, owner-only files (UMask), started at login. */
export function systemdUnitText(spec: ServiceSpec): string {
  return [
    '[Unit]',
    `Description=${spec.description.replace(/%/g, '%%')}`,
    'After=network.target pcscd.socket',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${spec.argv.map((word) => systemdQuote(word)).join(' ')}`,
    ...Object.entries(spec.env).map(([key, value]) => `Environment=${systemdQuote(`${key}=${value}`, false)}`),
    'UMask=0077',
    'Restart=on-failure',
    'RestartSec=2',
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function systemctl(args: readonly string[], env: NodeJS.ProcessEnv): ReturnType<typeof runProgram> {
  return runProgram('systemctl', ['--user', ...args], { env });
}

/** True when a systemd user manager answers for this user (systemd as PID 1 and a user session). */
export async function systemdUserAvailable(env: NodeJS.ProcessEnv): Promise<boolean> {
  if (!existsSync('/run/systemd/system')) return false;
  return (await systemctl(['show-environment'], env)).code === 0;
}

async function must(result: Promise<{ code: number; stderr: string }>, what: string): Promise<void> {
  const { code, stderr } = await result;
  if (code !== 0) throw new Error(`systemctl --user ${what} failed: ${stderr.trim()}`);
}

/** Writes the unit, reloads the user manager and enables and starts the service. */
export async function installSystemdUnit(unitFile: string, spec: ServiceSpec, env: NodeJS.ProcessEnv): Promise<void> {
  await writePrivate(unitFile, systemdUnitText(spec));
  await must(systemctl(['daemon-reload'], env), 'daemon-reload');
  await must(systemctl(['enable', '--now', basename(unitFile)], env), 'enable --now');
}

export async function restartSystemdUnit(unitFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  await must(systemctl(['restart', basename(unitFile)], env), 'restart');
}

export async function systemdUnitActive(unitFile: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return (await systemctl(['is-active', '--quiet', basename(unitFile)], env)).code === 0;
}

/** Stops and disables the service, removes the unit and reloads the manager. */
export async function removeSystemdUnit(unitFile: string, env: NodeJS.ProcessEnv): Promise<void> {
  await systemctl(['disable', '--now', basename(unitFile)], env);
  await rm(unitFile, { force: true });
  await systemctl(['daemon-reload'], env);
}
