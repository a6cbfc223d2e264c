/** What one check found: `problem` stops the connector from working, `warning` may, `n/a` does not apply here. */
export type CheckStatus = 'ok' | 'warning' | 'problem' | 'n/a';

/** The areas of the prerequisites page, in the order the checklist prints them. */
export type CheckGroup = 'name' | 'proxy' | 'connector' | 'ds' | 'cors' | 'hardware' | 'platform';

export interface CheckResult {
  /** Stable id, e.g. `connector.tls`. */
  readonly id: string;
  readonly group: CheckGroup;
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found (never a secret: no API key, token or PIN). */
  readonly detail: string;
  /** The exact fix, for a warning or a problem. */
  readonly fix?: string;
}

export function result(id: string, group: CheckGroup, title: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
  return fix === undefined ? { id, group, title, status, detail } : { id, group, title, status, detail, fix };
}
