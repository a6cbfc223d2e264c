/** What a service manager starts: one command line with its environment. */
export interface ServiceSpec {
  /** Absolute program path first, then its arguments. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly description: string;
}

/** The kinds of autostart this installer knows (Linux): a systemd user unit, or an XDG autostart entry. */
export type ServiceKind = 'systemd' | 'autostart';
