import { fromHex, toHex } from '../protocol/index.js';
import { BEID_ATRS } from './beid/atr.js';
import { EMV_ATRS } from './emv/atr.js';

/**
 * One row of a card family's ATR table (data only, in `<family>/atr.ts`). `atr` is upper-case hex without
 * separators; with a `mask`, a card's ATR matches when both have the same length and `(cardAtr & mask) === atr`.
 */
export interface AtrEntry {
  readonly atr: string;
  readonly mask?: string;
  /** The module (URL name under /v3/modules) that serves cards with this ATR. */
  readonly module: string;
  /** Human-readable card type, reported in `card.description` and `/atrs`. */
  readonly description: string;
  /** A family-specific variant the module may use (e.g. applet version); absent for masked rows. */
  readonly variant?: string;
}

/** What a lookup resolves an ATR to: pass this on instead of switching on ATR bytes again. */
export interface AtrMatch {
  readonly module: string;
  readonly description: string;
  readonly variant: string | undefined;
  readonly entry: AtrEntry;
}

interface MaskedRow {
  readonly pattern: Buffer;
  readonly mask: Buffer;
  readonly entry: AtrEntry;
}

/** Every family's table, in lookup order for masked rows. Add a family by appending its table here. */
export const ATR_TABLES: readonly (readonly AtrEntry[])[] = [BEID_ATRS, EMV_ATRS];

const HEX = /^(?:[0-9A-F]{2})+$/;

/**
 * The one ATR registry: exact matches first, then pattern+mask rows in table order. Rows are checked when the
 * registry is built (upper-case hex, mask as long as the ATR, no pattern bit outside the mask, no duplicate).
 */
export class AtrRegistry {
  private readonly exact = new Map<string, AtrEntry>();
  private readonly masked: MaskedRow[] = [];
  readonly entries: readonly AtrEntry[];

  constructor(tables: readonly (readonly AtrEntry[])[]) {
    this.entries = tables.flat();
    const seen = new Set<string>();
    for (const entry of this.entries) {
      const where = `ATR ${entry.atr} (${entry.module})`;
      if (!HEX.test(entry.atr)) throw new Error(`${where}: not upper-case hex`);
      if (entry.atr.length < 4 || entry.atr.length > 66) throw new Error(`${where}: an ATR has 2 to 33 bytes`);
      if (!/^[a-z0-9_-]+$/.test(entry.module)) throw new Error(`${where}: module name "${entry.module}" is not a URL name`);
      const key = `${entry.atr}/${entry.mask ?? ''}`;
      if (seen.has(key)) throw new Error(`${where}: listed twice`);
      seen.add(key);
      if (entry.mask === undefined) {
        this.exact.set(entry.atr, entry);
        continue;
      }
      if (!HEX.test(entry.mask) || entry.mask.length !== entry.atr.length) throw new Error(`${where}: mask must be hex as long as the ATR`);
      const pattern = fromHex(entry.atr);
      const mask = fromHex(entry.mask);
      if (pattern.some((b, i) => (b & ~mask[i]!) !== 0)) throw new Error(`${where}: pattern has bits outside its mask`);
      this.masked.push({ pattern, mask, entry });
    }
  }

  /** Resolves a card's ATR; undefined for a card no module serves. */
  resolve(atr: Uint8Array): AtrMatch | undefined {
    const entry = this.exact.get(toHex(atr)) ?? this.masked.find((row) => matches(row, atr))?.entry;
    return entry && { module: entry.module, description: entry.description, variant: entry.variant, entry };
  }
}

function matches(row: MaskedRow, atr: Uint8Array): boolean {
  return atr.length === row.pattern.length && row.pattern.every((b, i) => (atr[i]! & row.mask[i]!) === b);
}

/** The connector's registry, built from every family's `atr.ts` at load. */
export const ATR_REGISTRY = new AtrRegistry(ATR_TABLES);
