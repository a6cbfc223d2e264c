import type { LabState } from '../../simulators/lab/state.js';

/** The human form of a lab state, for `lab up` / `lab status` without --json. */
export function formatState(state: LabState): string {
  const lab = state.lab;
  const transport = lab ? `cards at ${lab.cardHost}${state.backend === 'pcsc' ? (lab.quickack ? ' (quickack route)' : ' (no quickack route: ~48 ms/APDU)') : ''}` : '';
  const provider = lab?.provider === 'containers' ? ` in a container (pcscd socket ${lab.pcscdSocket ?? '?'})` : '';
  const lines = [`lab up: backend ${state.backend}${provider}${lab ? `, supervisor pid ${lab.supervisorPid}, ${transport}` : ''}`];
  const width = Math.max(...state.readers.map((r) => r.name.length), 0);
  for (const reader of state.readers) {
    const card = reader.card;
    const what = card ? `${card.profile}${card.persona ? ':' + card.persona : ''}  ATR ${card.atr}${card.pin ? `  PIN ${card.pin}` : ''}` : '(empty)';
    lines.push(`  reader ${reader.index}  ${reader.name.padEnd(width)}  ${reader.port ? `port ${reader.port}  ` : ''}${reader.plugged === false ? '[unplugged]  ' : ''}${what}`);
  }
  for (const token of state.tokens ?? []) lines.push(`  token      ${token.label}  PIN ${token.pin}${token.id ? `  reader id ${token.id}` : ''}  (${token.module})`);
  lines.push(state.connector ? `  connector  ${state.connector.url}  CA ${state.connector.caCert}` : '  connector  not running');
  if (state.ds) lines.push(`  DS         ${state.ds.url}  API key ${state.ds.apiKey}`);
  if (state.console) lines.push(`  console    ${state.console.url}`);
  if (state.console?.demoUrl) lines.push(`  demo app   ${state.console.demoUrl}`);
  if (lab?.pcscdLog) lines.push(`  pcscd log  ${lab.pcscdLog} (APDU trace: may hold VERIFY APDUs)`);
  return lines.join('\n');
}

export function printState(state: LabState, json: boolean): void {
  console.log(json ? JSON.stringify(state, null, 2) : formatState(state));
}
