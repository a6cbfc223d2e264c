/**
 * The detached lab supervisor: `node dist/simulators/lab/supervisor.js --spec '<LabSpec JSON>'`, started by
 * `t1c-lab lab up`. It owns pcscd, the route, the card links and the connector; serves `.lab/control.sock`;
 * keeps `.lab/state.json` current; tells its parent "ready" (or why not) over the IPC channel, then runs on
 * its own until `lab down` or SIGTERM, and tears everything down before it exits.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { serveControl, type ControlServer } from './control-server.js';
import type { ControlBody } from './control-protocol.js';
import { errorLine, isLabError, LabError } from './lab-error.js';
import { parseCardFault } from './faults.js';
import { LabRuntime, type LabSpec } from './lab-runtime.js';
import { labDir, labFiles, type LabFiles } from './paths.js';
import { removeState, writeState, type LabState } from './state.js';

/** Messages to the parent (`lab up`) over IPC. */
export type SupervisorMessage = { readonly event: 'ready'; readonly state: LabState } | { readonly event: 'error'; readonly code: string; readonly message: string };

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} [supervisor ${process.pid}] ${line}\n`);
}

/** Sends to the parent; `keepChannel` leaves the IPC channel open (a lab bound to its caller), else it is closed. */
function tell(message: SupervisorMessage, keepChannel = false): Promise<void> {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    send(message, undefined, {}, () => {
      if (!keepChannel && process.connected) process.disconnect();
      resolve();
    });
  });
}

export function parseSpec(argv: string[]): LabSpec {
  const { values } = parseArgs({ args: argv, options: { spec: { type: 'string' } }, strict: true });
  if (!values.spec) throw new LabError('ERR_LAB_SUPERVISOR', 'supervisor: --spec is required');
  return JSON.parse(values.spec) as LabSpec;
}

function removeRunFiles(files: LabFiles): void {
  removeState(files);
  rmSync(files.controlSocket, { force: true });
  rmSync(files.supervisorPid, { force: true });
}

async function main(): Promise<void> {
  const files = labFiles(labDir());
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  writeFileSync(files.supervisorPid, `${process.pid}\n`);
  let runtime: LabRuntime;
  let spec: LabSpec;
  try {
    spec = parseSpec(process.argv.slice(2));
    log(`starting: ${JSON.stringify(spec)}`);
    runtime = await LabRuntime.start(spec, files, log);
  } catch (e) {
    log(`start failed: ${errorLine(e)}`);
    removeRunFiles(files);
    await tell({ event: 'error', code: isLabError(e) ? e.code : 'ERR_LAB_SUPERVISOR', message: errorLine(e) });
    process.exitCode = 1;
    return;
  }

  let stopping: Promise<void> | null = null;
  let server: ControlServer | null = null;
  const shutdown = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      log(`stopping (${why})`);
      try {
        await runtime.stop();
      } catch (e) {
        log(`teardown problem: ${errorLine(e)}`);
        process.exitCode = 1;
      }
      removeRunFiles(files);
      log('stopped');
      // Everything is closed; if a stray handle still holds the event loop, do not linger as a zombie lab.
      setTimeout(() => process.exit(), 3000).unref();
    })());

  // One queue for every operation, whoever asks (the control socket, the console): an insert never races a remove.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = (request: ControlBody): Promise<LabState> => {
    const done = queue.then(() => operate(request));
    queue = done.catch(() => undefined);
    return done;
  };
  const operate = async (request: ControlBody): Promise<LabState> => {
    if (stopping) throw new LabError('ERR_LAB_NOT_UP', 'the lab is stopping');
    switch (request.op) {
      case 'status':
        return runtime.state();
      case 'insert':
        return runtime.insert({ profile: request.profile, persona: request.persona }, request.reader);
      case 'remove':
        return runtime.remove(request.reader);
      case 'unplug':
        return runtime.unplugReader(request.reader);
      case 'plug':
        return runtime.plugReader(request.reader);
      case 'pcscd-restart':
        return runtime.restartPcscd();
      case 'fault':
        return runtime.fault(request.reader, parseCardFault(request.fault));
      case 'console':
        return runtime.openConsole(serially);
      case 'down': {
        const last = runtime.state();
        await shutdown('lab down');
        setImmediate(() => void server?.close());
        return last;
      }
    }
  };
  const persist = (state: LabState): LabState => {
    writeState(files, state);
    return state;
  };

  // The state file follows every change, also those no request made (a fault that takes a card out).
  runtime.events.on('changed', () => {
    if (!stopping) persist(runtime.state());
  });
  if (runtime.spec.console) {
    try {
      await runtime.openConsole(serially);
    } catch (e) {
      log(`console failed: ${errorLine(e)}`);
      await shutdown('the console did not start');
      await tell({ event: 'error', code: isLabError(e) ? e.code : 'ERR_LAB_CONSOLE', message: `the console did not start: ${errorLine(e)}` });
      process.exitCode = 1;
      return;
    }
  }
  server = await serveControl(files.controlSocket, serially);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => server?.close());
    });
  }
  persist(runtime.state());
  log('ready');
  if (spec.boundToCaller) {
    // The channel closes when the process that started the lab ends, normally or killed: the lab ends with it.
    process.once('disconnect', () => {
      void shutdown('the process that started the lab ended').then(() => server?.close());
    });
    if (!process.connected) {
      void shutdown('the process that started the lab ended before it was ready').then(() => server?.close());
      return;
    }
  }
  await tell({ event: 'ready', state: runtime.state() }, spec.boundToCaller === true);
}

main().catch((e: unknown) => {
  log(`fatal: ${errorLine(e)}`);
  process.exitCode = 1;
});
