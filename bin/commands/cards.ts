import { parseArgs } from 'node:util';
import { MODULE_ROUTES } from '../../connector/api/modules/index.js';
import { ATR_REGISTRY } from '../../connector/modules/registry.js';
import { fromHex } from '../../connector/protocol/index.js';
import { listCardProfiles, type CardProfile } from '../../fixtures/cards/index.js';
import { listProfiles as simulatedProfiles } from '../../simulators/cards/registry.js';

interface CardStatus {
  readonly id: string;
  readonly title: string;
  readonly module: string | null;
  readonly card: 'simulator' | 'transcript' | 'none';
  readonly personas: readonly string[];
  readonly capabilities: number;
  /** What keeps the card type from being certified, empty when nothing does. */
  readonly missing: readonly string[];
}

/** What a card type has and lacks: a card to put in a reader, ATRs the connector maps to its module, the module. */
export function cardStatus(profile: CardProfile): CardStatus {
  const missing: string[] = [];
  const served = new Set(MODULE_ROUTES.map((m) => m.name));
  const card = profile.transcript ? 'transcript' : simulatedProfiles().includes(profile.id) ? 'simulator' : 'none';
  if (card === 'none') missing.push('a simulator or a recorded transcript');
  for (const { atr, mask } of profile.atrs) {
    if (mask) continue;
    const match = ATR_REGISTRY.resolve(fromHex(atr));
    if ((match?.module ?? null) !== profile.module) missing.push(`ATR ${atr} maps to ${match?.module ?? 'no module'} in the connector, not ${profile.module ?? 'none'}`);
  }
  if (profile.module && !served.has(profile.module)) missing.push(`the connector module "${profile.module}"`);
  return { id: profile.id, title: profile.title, module: profile.module, card, personas: profile.personas, capabilities: profile.capabilities.length, missing };
}

/** `t1c-lab cards [--json]`: the card types (fixtures/cards) and what each still lacks. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: t1c-lab cards [--json]\n\nLists the card types (fixtures/cards) with their module, card source and personas, and what keeps each from certification.');
    return 0;
  }
  const statuses = listCardProfiles().map(cardStatus);
  if (values.json) {
    console.log(JSON.stringify(statuses, null, 2));
    return 0;
  }
  const rows = statuses.map((s) => [s.id, s.module ?? '—', s.card, s.personas.join(',') || '—', s.missing.length === 0 ? 'ready' : `missing: ${s.missing.join('; ')}`]);
  const header = ['card type', 'module', 'card', 'personas', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
  return 0;
}
