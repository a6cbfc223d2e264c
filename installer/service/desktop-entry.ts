import type { ServiceSpec } from './spec.js';

/**
 * One argument of a desktop entry's Exec key (Desktop Entry Specification, "The Exec key"): quoted when it has
 * reserved characters, with `"`, `` ` ``, `$` and `\` escaped inside the quotes, and `%` doubled (field codes).
 * The whole value is then a string value, whose own `\` escapes come on top.
 */
export function execArgument(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error('a line break cannot be part of a desktop entry');
  const escapedPercent = arg.replace(/%/g, '%%');
  const quoted = /[\s"'\\><~|&;$*?#()`]/.test(arg) ? `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"` : escapedPercent;
  return quoted.replace(/\\/g, '\\\\');
}

/** The XDG autostart entry: `env` sets the environment (Exec has no other way), then the service's command. */
export function desktopEntryText(spec: ServiceSpec): string {
  const argv = ['/usr/bin/env', ...Object.entries(spec.env).map(([k, v]) => `${k}=${v}`), ...spec.argv];
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    `Name=${spec.description}`,
    `Exec=${argv.map(execArgument).join(' ')}`,
    'Terminal=false',
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
