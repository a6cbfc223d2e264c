import { runConnector } from '../../connector/main.js';

/** `t1c-lab connector [--config FILE] [flags]`: runs the connector daemon in the foreground (`--help` lists flags). */
export async function run(args: string[]): Promise<number> {
  return runConnector(args);
}
