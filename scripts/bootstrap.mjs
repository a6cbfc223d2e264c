#!/usr/bin/env node
// The dependency-free bootstrap behind `npm test`, `npm run soak`, `npm run certify` and `npm run lab` (plain
// Node, no packages: it runs before node_modules exists). Steps, each skipped when already satisfied:
//   1. system packages (apt, when root on Debian/Ubuntu) — before npm ci: the native bindings need libpcsclite-dev
//   2. npm ci, when node_modules is missing or older than package-lock.json
//   3. npm run build, when a source under connector|simulators|conformance|load|fixtures|bin is newer than dist
//   4. the mode: `test` runs tsc --noEmit, eslint and vitest (extra args go to vitest); `soak` runs the soak
//      suite; any other mode runs `node dist/bin/t1c-lab.js <mode> …` (certify, lab).
// T1C_LAB_STRICT=1 (set by .ci/run) turns every missing component into a failure and requires the native
// bindings to load. T1C_BOOTSTRAP_DRY_RUN=1 prints what would be done and does nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const STRICT = process.env.T1C_LAB_STRICT === '1';
const DRY_RUN = process.env.T1C_BOOTSTRAP_DRY_RUN === '1';

/** lab-recipe.md; `--no-install-recommends` keeps pcsc-tools from pulling in GTK. */
const BASE_PACKAGES = ['pcscd', 'libpcsclite-dev', 'vsmartcard-vpcd', 'pcsc-tools', 'opensc', 'opensc-pkcs11', 'softhsm2', 'libnss3-tools', 'chromium', 'firefox-esr'];
/**
 * The containers provider's engine and image builder: installed in strict mode (CI, where the container suite must
 * run; scripts/docker-engine.mjs starts the engine), left to the user otherwise.
 */
const CONTAINER_PACKAGES = ['docker.io', 'debootstrap'];
const PACKAGES = STRICT ? [...BASE_PACKAGES, ...CONTAINER_PACKAGES] : BASE_PACKAGES;
const SOURCE_DIRS = ['connector', 'simulators', 'conformance', 'load', 'fixtures', 'bin', 'installer', 'doctor'];
const BUILD_STAMP = path.join(ROOT, 'dist', '.build-stamp');
const NATIVE_BINDINGS = ['smartcard', 'pkcs11js'];

class StepFailure extends Error {
  constructor(message, code = 1) {
    super(message);
    this.code = code;
  }
}

function say(line) {
  console.error(`bootstrap: ${line}`);
}

/** A component is missing: a failure in strict mode, a warning otherwise. */
function missing(line) {
  if (STRICT) throw new StepFailure(`${line} (T1C_LAB_STRICT=1: a missing component is a failure)`);
  say(`warning: ${line}`);
}

function run(command, args, options = {}) {
  say(`${DRY_RUN ? 'would run' : 'running'}: ${[command, ...args].join(' ')}`);
  if (DRY_RUN) return 0;
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) throw new StepFailure(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function onPath(command) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(path.join(dir, command)));
}

function isDebianLike() {
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    const field = (name) => (release.match(new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm'))?.[1] ?? '').split(/\s+/);
    return [...field('ID'), ...field('ID_LIKE')].some((id) => id === 'debian' || id === 'ubuntu');
  } catch {
    return false;
  }
}

function packageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

// 1. System packages.
function systemPackages() {
  if (!isDebianLike() || !onPath('apt-get') || !onPath('dpkg-query')) {
    missing(`not Debian/Ubuntu with apt: install ${PACKAGES.join(' ')} (or equivalents) yourself; the lab falls back to the embedded backend`);
    return;
  }
  const absent = PACKAGES.filter((name) => !packageInstalled(name));
  if (absent.length === 0) return;
  const install = ['install', '-y', '--no-install-recommends', ...absent];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    missing(
      `system packages missing: ${absent.join(' ')}. Install them with:\n` +
        `  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get ${install.join(' ')}\n` +
        'continuing without them (the lab uses the embedded backend where pcscd is missing)',
    );
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ok = run('apt-get', ['update'], { env }) === 0 && run('apt-get', install, { env }) === 0;
  if (!ok) missing(`apt-get could not install ${absent.join(' ')}`);
}

// 2. npm ci.
function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function nodeModules() {
  const lock = mtime(path.join(ROOT, 'package-lock.json'));
  // npm rewrites node_modules/.package-lock.json on every install: the honest "installed at".
  const installed = mtime(path.join(ROOT, 'node_modules', '.package-lock.json')) ?? mtime(path.join(ROOT, 'node_modules'));
  if (installed !== null && (lock === null || installed >= lock)) return;
  say(installed === null ? 'node_modules is missing' : 'node_modules is older than package-lock.json');
  const code = run('npm', ['ci']);
  if (code !== 0) throw new StepFailure('npm ci failed', code);
}

function nativeBindings() {
  if (DRY_RUN) {
    say(`would check that ${NATIVE_BINDINGS.join(' and ')} load`);
    return;
  }
  for (const name of NATIVE_BINDINGS) {
    const result = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(name)})`], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) {
      const reason = (result.stderr.trim().split('\n').find((line) => /Error/.test(line)) ?? 'does not load').trim();
      missing(`native binding ${name} did not load (${reason}); install the system packages, then npm ci`);
    }
  }
}

// 3. Build.
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, mtime(full) ?? 0);
  }
  return newest;
}

function build() {
  const stamp = mtime(BUILD_STAMP);
  const sources = Math.max(...SOURCE_DIRS.map((dir) => newestSource(path.join(ROOT, dir))), mtime(path.join(ROOT, 'tsconfig.build.json')) ?? 0);
  if (stamp !== null && stamp >= sources) return;
  say(stamp === null ? 'dist/ has not been built by the bootstrap yet' : 'sources are newer than dist/');
  const code = run('npm', ['run', 'build']);
  if (code !== 0) throw new StepFailure('npm run build failed', code);
  if (!DRY_RUN) writeFileSync(BUILD_STAMP, `${new Date().toISOString()}\n`);
}

// 4. The mode.
/** Runs vitest with a JSON report next to the terminal one; returns the exit code and the counts. `env` names the report. */
function vitest(args, env = {}, moreEnv = {}) {
  const out = path.join(ROOT, 'reports', 'test', `vitest-${Object.values(env).join('-') || 'unit'}.json`);
  if (!DRY_RUN) mkdirSync(path.dirname(out), { recursive: true });
  const code = run(path.join(ROOT, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args], { env: { ...process.env, ...env, ...moreEnv } });
  const counts = { passed: 0, failed: code === 0 ? 0 : 1, skipped: 0 };
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    counts.passed = report.numPassedTests;
    counts.failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
    counts.skipped = report.numPendingTests + report.numTodoTests;
  } catch {
    // no report: vitest failed before running tests; the failure is counted above
  }
  return { code, counts };
}

/** "N property cases in M properties" from the fast-check stats file. */
function propertySummary(file) {
  let lines = [];
  try {
    lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim().length > 0).map((line) => JSON.parse(line));
  } catch {
    // no file: no property ran
  }
  const cases = lines.reduce((sum, line) => sum + (line.runs ?? 0), 0);
  const failed = lines.filter((line) => line.failed).length;
  return `${cases} property cases in ${lines.length} properties${failed > 0 ? ` (${failed} failed)` : ''} (fast-check; FC_NUM_RUNS scales them)`;
}

/** pcscd and the vpcd driver are what the pcsc backend needs. */
function pcscAvailable() {
  return onPath('pcscd') && ['/usr/lib/pcsc/drivers/serial/libifdvpcd.so', '/usr/lib/pcsc/drivers/libifdvpcd.so'].some((f) => existsSync(f));
}

/**
 * `npm test`: typecheck, lint, unit and integration tests, then the conformance suites against the lab on each
 * reader backend. Extra arguments go to the unit run only (and skip the conformance runs).
 */
function test(extra) {
  const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
  const codes = [run(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']), run(bin('eslint'), ['.'])];
  // Every fast-check property appends its case count here (connector/protocol/fc-params.ts).
  const fcStats = path.join(ROOT, 'reports', 'test', 'fast-check.jsonl');
  if (!DRY_RUN) {
    mkdirSync(path.dirname(fcStats), { recursive: true });
    writeFileSync(fcStats, '');
  }
  const runs = [vitest(extra, {}, { FC_STATS_FILE: fcStats })];
  if (extra.length === 0) {
    const backends = ['embedded'];
    if (pcscAvailable()) backends.push('pcsc');
    else missing('pcscd or the vpcd driver is not installed: the conformance suites run on the embedded backend only');
    for (const backend of backends) {
      say(`conformance suites on the ${backend} backend`);
      runs.push(vitest(['--config', 'conformance/vitest.config.ts'], { T1C_LAB_BACKEND: backend }));
    }
  }
  codes.push(...runs.map((r) => r.code));
  const total = runs.reduce((t, r) => ({ passed: t.passed + r.counts.passed, failed: t.failed + r.counts.failed, skipped: t.skipped + r.counts.skipped }), { passed: 0, failed: 0, skipped: 0 });
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  if (!DRY_RUN) console.log(propertySummary(fcStats));
  return codes.find((code) => code !== 0) ?? 0;
}

/** `npm run soak`: the soak alone, T1C_SOAK_MINUTES (default 10) on T1C_LAB_BACKEND (default embedded). */
function soak() {
  const env = { T1C_SOAK_MINUTES: process.env.T1C_SOAK_MINUTES || '10', T1C_LAB_BACKEND: process.env.T1C_LAB_BACKEND || 'embedded' };
  say(`soak: ${env.T1C_SOAK_MINUTES} minutes on the ${env.T1C_LAB_BACKEND} backend`);
  const vitestBin = path.join(ROOT, 'node_modules', '.bin', 'vitest');
  return run(vitestBin, ['run', '--config', 'conformance/vitest.config.ts', 'conformance/reliability/soak.suite.ts'], { env: { ...process.env, ...env } });
}

function main() {
  const [mode, ...extra] = process.argv.slice(2);
  if (!mode) {
    say('usage: node scripts/bootstrap.mjs <test|soak|certify|lab> [args…]');
    return 2;
  }
  if (STRICT) say('strict mode (T1C_LAB_STRICT=1)');
  try {
    systemPackages();
    nodeModules();
    nativeBindings();
    build();
    if (mode === 'test') return test(extra);
    if (mode === 'soak') return soak();
    return run(process.execPath, [path.join(ROOT, 'dist', 'bin', 't1c-lab.js'), mode, ...extra]);
  } catch (e) {
    if (!(e instanceof StepFailure)) throw e;
    say(`error: ${e.message}`);
    return e.code;
  }
}

process.exitCode = main();
