import { CATALOGUE, type ErrorKey, type ErrorSpec } from './catalogue.js';

/** Structured, non-secret facts an error may carry to the client (e.g. `triesLeft`). */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/** The one error class of the connector: a catalogue key plus structured details and a cause. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly key: ErrorKey;
  readonly spec: ErrorSpec;
  readonly details: ErrorDetails | undefined;

  constructor(key: ErrorKey, options: { message?: string; details?: ErrorDetails; cause?: unknown } = {}) {
    const spec = CATALOGUE[key];
    super(options.message ?? spec.description, options.cause === undefined ? undefined : { cause: options.cause });
    this.key = key;
    this.spec = spec;
    this.details = options.details;
  }

  get code(): number {
    return this.spec.code;
  }

  get status(): number {
    return this.spec.status;
  }

  get retryable(): boolean {
    return this.spec.retryable;
  }
}

export function isConnectorError(e: unknown, key?: ErrorKey): e is ConnectorError {
  return e instanceof ConnectorError && (key === undefined || e.key === key);
}
