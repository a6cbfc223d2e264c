/** A command line the CLI cannot run: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** Where to read more, e.g. `t1c-lab lab up --help`. */
    readonly helpHint: string,
  ) {
    super(message);
  }
}
