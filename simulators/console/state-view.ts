import type { FromSchema } from 'json-schema-to-ts';
import type { CardFaultState } from '../cards/fault-card.js';
import type { LabState } from '../lab/state.js';
import type { VIEW } from './schemas.js';

/**
 * The lab state as the console serves it (its schema: VIEW in schemas.ts). The state file holds test secrets on
 * purpose (card and token PINs, the DS API key, the console secret); none of them leaves through the console, so a
 * page — or whatever reads its traffic — never sees a PIN. `lab status` shows them to whoever runs the CLI. A reader
 * shows its card without the PIN, and the faults pending on it.
 */
export type ConsoleView = FromSchema<typeof VIEW>;

/** The faults pending on a card, in the words of `t1c-lab lab fault --help`. */
export function faultWords(faults: CardFaultState | null): string[] {
  if (!faults) return [];
  const out: string[] = [];
  if (faults.latency) out.push(`latency ${faults.latency.signMs} ms sign, ${faults.latency.apduMs ?? 0} ms per APDU`);
  if (faults.removeInApdus !== null) out.push(`remove in ${faults.removeInApdus} APDUs`);
  if (faults.removeAtIns !== null) out.push(`remove at INS ${faults.removeAtIns.toString(16).toUpperCase().padStart(2, '0')}`);
  if (faults.dropping > 0) out.push(`drop ${faults.dropping}`);
  if (faults.corrupting > 0) out.push(`corrupt ${faults.corrupting}`);
  if (faults.poweredOff) out.push('powered off');
  if (faults.hostile !== 'off') out.push(`hostile ${faults.hostile}`);
  return out;
}

export function consoleView(state: LabState, faultsOf: (reader: number) => CardFaultState | null): ConsoleView {
  return {
    backend: state.backend,
    readers: state.readers.map((reader) => {
      const { card, ...rest } = reader;
      return {
        ...rest,
        card: card ? { profile: card.profile, persona: card.persona, atr: card.atr, hasPin: card.pin !== null } : null,
        faults: card ? faultWords(faultsOf(reader.index)) : [],
      };
    }),
    connector: state.connector ? { url: state.connector.url, port: state.connector.port } : null,
    ds: state.ds ? { url: state.ds.url } : null,
    cors: [...(state.cors?.allowedOrigins ?? [])],
    tokens: (state.tokens ?? []).map((t) => ({ label: t.label, module: t.module, ...(t.id ? { id: t.id } : {}) })),
    lab: state.lab
      ? { supervisorPid: state.lab.supervisorPid, cardHost: state.lab.cardHost, quickack: state.lab.quickack, provider: state.lab.provider ?? 'local', warnings: [...state.lab.warnings] }
      : null,
  };
}
