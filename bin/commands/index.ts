/**
 * The CLI's command table. Each subcommand lives in `bin/commands/<name>.ts` and exports
 * `run(args: string[]): Promise<number>` (the exit code); add one line here for a new command.
 * Modules load lazily, so one command's dependencies never slow down or break another.
 */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  readonly summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  cards: { summary: 'list the card types with their module, card source and what each still lacks', load: () => import('./cards.js') },
  certify: { summary: 'run the conformance suites per card type and backend; print the verdict and write reports', load: () => import('./certify.js') },
  connector: { summary: 'run the connector in the foreground, or install | uninstall | status | logs | cors it for this user', load: () => import('./connector.js') },
  doctor: { summary: 'check this machine against the connector\'s prerequisites (DNS, proxy, TLS, DS, CORS, hardware, platform) with fixes', load: () => import('./doctor.js') },
  lab: { summary: 'bring the virtual lab (readers, cards, connector) up and down; insert and remove cards', load: () => import('./lab.js') },
  load: { summary: 'load on the signing path against ceilings measured in the same run; reports and a baseline check', load: () => import('./load.js') },
};
