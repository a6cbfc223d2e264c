/** Closed set of reasons the lab refuses or fails; the CLI prints `message` as one line. */
export type LabErrorCode =
  | 'ERR_LAB_NOT_ROOT'
  | 'ERR_LAB_PCSCD_MISSING'
  | 'ERR_LAB_PCSCD_START'
  | 'ERR_LAB_PCSCD_STOP'
  | 'ERR_LAB_LOCK_TIMEOUT'
  | 'ERR_LAB_DETACHED_RUNNING'
  | 'ERR_LAB_ALREADY_UP'
  | 'ERR_LAB_NOT_UP'
  | 'ERR_LAB_BINDING_MISSING'
  | 'ERR_LAB_READER_TIMEOUT'
  | 'ERR_LAB_READER_INVALID'
  | 'ERR_LAB_READER_OCCUPIED'
  | 'ERR_LAB_READER_EMPTY'
  | 'ERR_LAB_PROFILE_UNKNOWN'
  | 'ERR_LAB_PERSONA_UNKNOWN'
  | 'ERR_LAB_CONNECTOR_MISSING'
  | 'ERR_LAB_CONNECTOR_START'
  | 'ERR_LAB_TOKENS'
  | 'ERR_LAB_SUPERVISOR'
  | 'ERR_LAB_CONTROL'
  | 'ERR_LAB_STATE_INVALID'
  | 'ERR_LAB_CONTAINERS'
  | 'ERR_LAB_FAULT_INVALID'
  /** The console (or its demo) refused a request: wrong Host, another origin, a cross-site or non-POST change. */
  | 'ERR_LAB_CONSOLE_REFUSED'
  /** The console (or its demo) was asked without the lab secret (its cookie, or the URL the CLI prints). */
  | 'ERR_LAB_CONSOLE_SECRET'
  | 'ERR_LAB_CONSOLE';

export class LabError extends Error {
  override readonly name = 'LabError';
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isLabError(e: unknown, code?: LabErrorCode): e is LabError {
  return e instanceof LabError && (code === undefined || e.code === code);
}

/** One line for humans: the message of any thrown value. */
export function errorLine(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
