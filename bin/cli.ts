import { COMMANDS } from './commands/index.js';
import { UsageError } from './usage-error.js';

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return ['Usage: t1c-lab <command> [options]', '', 'Commands:', ...lines, '', 'Run `t1c-lab <command> --help` for a command’s options.'].join('\n');
}

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

/**
 * Runs the CLI and returns its exit code: 0 ok, 1 failure (one clear line on stderr), 2 usage error.
 * Never throws.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || isHelp(name)) {
      console.log(mainHelp());
      return name === undefined ? 2 : 0;
    }
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command "${name}"`, 't1c-lab --help');
    const command = await entry.load();
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`t1c-lab: ${e.message} (see \`${e.helpHint}\`)`);
      return 2;
    }
    console.error(`t1c-lab: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
