import { labConsole, labDown, labFault, labInsert, labPlug, labRemove, labRestartPcscd, labStatus, labUnplug, labUp } from '../../simulators/lab/lab-client.js';
import type { LabState } from '../../simulators/lab/state.js';
import { parseLabArgs, type LabCommand } from './lab-args.js';
import { printState } from './lab-print.js';

/** `t1c-lab lab …`: the detached lab (CONTRACTS.md "The lab"). */
export async function run(args: string[]): Promise<number> {
  const command = parseLabArgs(args);
  switch (command.sub) {
    case 'help':
      console.log(command.text);
      return 0;
    case 'up': {
      const state = await labUp({
        ...(command.backend ? { backend: command.backend } : {}),
        ...(command.provider ? { provider: command.provider } : {}),
        cards: command.cards,
        ...(command.readers === null ? {} : { readers: command.readers }),
        connector: command.connector,
        replace: command.replace,
        apduLog: command.apduLog,
        tokens: command.tokens,
        console: command.console,
        // A user's lab, unless a test drives the CLI (T1C_LAB_TEST=1): then other test files queue behind it.
        interactive: process.env['T1C_LAB_TEST'] !== '1',
        onNote: (line) => console.error(`t1c-lab: ${line}`),
      });
      for (const warning of state.lab?.warnings ?? []) console.error(`t1c-lab: warning: ${warning}`);
      printState(state, command.json);
      return 0;
    }
    case 'status':
      printState(await labStatus(), command.json);
      return 0;
    case 'console': {
      const state = await labConsole();
      if (command.json) printState(state, true);
      else console.log([`console   ${state.console!.url}`, ...(state.console!.demoUrl ? [`demo app  ${state.console!.demoUrl}`] : [])].join('\n'));
      return 0;
    }
    case 'down': {
      const { stoppedPid, cleaned } = await labDown();
      for (const what of cleaned) console.error(`t1c-lab: cleaned leftover: ${what}`);
      console.log(stoppedPid === null ? 'no lab was up' : `lab down (supervisor ${stoppedPid} stopped)`);
      return 0;
    }
    case 'insert':
      printState(await labInsert(command.card, command.reader ?? undefined), command.json);
      return 0;
    case 'remove':
      printState(await labRemove(command.reader), command.json);
      return 0;
    case 'fault':
      printState(await applyFault(command), command.json);
      return 0;
  }
}

function applyFault(command: Extract<LabCommand, { sub: 'fault' }>): Promise<LabState> {
  if (command.reader === null) return labRestartPcscd();
  const { fault } = command;
  switch (fault.kind) {
    case 'unplug':
      return labUnplug(command.reader);
    case 'plug':
      return labPlug(command.reader);
    default:
      return labFault(command.reader, fault);
  }
}
