import type { VirtualCard } from '../cards/card.js';
import { CardLink, type CardLinkOptions } from '../vpcd/card-link.js';
import { LabError } from './lab-error.js';

export interface SlotReader {
  readonly index: number;
  readonly port: number;
}

/** The card links of a lab's readers: at most one card per reader, inserted over vpcd at `host:port`. */
export class CardSlots {
  private readonly links = new Map<number, CardLink>();

  constructor(
    private readonly readers: readonly SlotReader[],
    private readonly host: string,
  ) {}

  reader(index: number): SlotReader {
    const reader = this.readers.find((r) => r.index === index);
    if (!reader) throw new LabError('ERR_LAB_READER_INVALID', `no reader ${index} (the lab has readers 0..${this.readers.length - 1})`);
    return reader;
  }

  link(index: number): CardLink | null {
    return this.links.get(index) ?? null;
  }

  /** The lowest reader index without a card, or null when all are taken. */
  firstEmpty(): number | null {
    return this.readers.find((r) => !this.links.has(r.index))?.index ?? null;
  }

  /**
   * Plugs `card` into reader `index`; resolves once the TCP link to the reader is up — or at once with
   * `waitConnected: false`, for readers that are not listening yet (the link keeps retrying).
   */
  async insert(index: number, card: VirtualCard, options: Partial<CardLinkOptions> = {}, waitConnected = true): Promise<CardLink> {
    const reader = this.reader(index);
    if (this.links.has(index)) throw new LabError('ERR_LAB_READER_OCCUPIED', `reader ${index} already holds a card; remove it first`);
    const link = new CardLink(card, { host: this.host, ...options, port: reader.port });
    this.links.set(index, link);
    if (!waitConnected) {
      void link.insert();
      return link;
    }
    try {
      await link.insert();
    } catch (e) {
      this.links.delete(index);
      throw e;
    }
    return link;
  }

  /** Takes the card out of reader `index`; resolves once its connection is closed. */
  async remove(index: number): Promise<VirtualCard> {
    this.reader(index);
    const link = this.links.get(index);
    if (!link) throw new LabError('ERR_LAB_READER_EMPTY', `reader ${index} holds no card`);
    this.links.delete(index);
    await link.remove();
    return link.card;
  }

  async removeAll(): Promise<void> {
    const links = [...this.links.values()];
    this.links.clear();
    await Promise.all(links.map((link) => link.remove()));
  }
}
