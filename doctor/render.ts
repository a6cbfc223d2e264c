import type { DoctorReport } from './runner.js';
import type { CheckGroup } from './types.js';

const GROUPS: Record<CheckGroup, string> = {
  name: 'Name resolution',
  proxy: 'Proxies',
  connector: 'Connector',
  ds: 'Distribution Service',
  cors: 'CORS',
  hardware: 'Hardware',
  platform: 'Platform',
};

/** The checklist for people: one line per check, each warning and problem followed by its fix. */
export function renderText(report: DoctorReport): string {
  const lines = [`t1c-lab doctor: ${report.connector}`];
  let group: CheckGroup | null = null;
  for (const c of report.checks) {
    if (c.group !== group) {
      group = c.group;
      lines.push('', GROUPS[group]);
    }
    lines.push(`  ${c.status.padEnd(7)} ${c.title}: ${c.detail}`);
    if (c.fix && (c.status === 'problem' || c.status === 'warning')) lines.push(`          fix: ${c.fix}`);
  }
  const { ok, warning, problem } = report.summary;
  lines.push('', `${ok} ok, ${warning} warning(s), ${problem} problem(s), ${report.summary['n/a']} not applicable here`);
  return lines.join('\n');
}

/** The same report for machines: two-space JSON, stable key order. */
export function renderJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2);
}
