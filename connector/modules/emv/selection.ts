import { ConnectorError } from '../../errors/index.js';
import { SW, fromHex, toHex, type ResponseApdu } from '../../protocol/index.js';
import type { CardChannel } from '../../readers/index.js';
import { expectOk } from '../iso/transparent-file.js';
import { KNOWN_AIDS, PSE_NAME, readRecord, selectByName } from './apdu.js';
import { parseDirectoryRecord, parseFci, type Fci } from './parse.js';

/** An application the card offers, as the terminal's candidate list holds it. */
export interface Candidate {
  readonly aid: Buffer;
  readonly label: string;
  /** 1 is the highest; null when the card gives none. */
  readonly priority: number | null;
}

/** The candidate list and how it was built: from the PSE directory, or by trying the known AIDs (no PSE). */
export interface CandidateList {
  readonly method: 'pse' | 'aid-list';
  readonly applications: readonly Candidate[];
  /** The card's language preference (PSE FCI), most preferred first. */
  readonly languages: readonly string[];
}

/** A bound on directory records and on next-occurrence selections: a card that never says "no more" stops here. */
const MAX_STEPS = 32;

/** Book 1 §12.4: applications in priority order (absent priority last), card order among equals. */
function byPriority(list: readonly Candidate[]): Candidate[] {
  const rank = (c: Candidate): number => c.priority === null || c.priority === 0 ? 16 : c.priority;
  return [...list].sort((a, b) => rank(a) - rank(b));
}

function throwIfCardBlocked(res: ResponseApdu): void {
  if (res.sw === SW.FUNCTION_NOT_SUPPORTED) throw new ConnectorError('ERR_EMV_CARD_BLOCKED');
}

async function fromPse(channel: CardChannel, fci: Fci): Promise<Candidate[]> {
  const sfi = fci.sfi ?? 1;
  const out: Candidate[] = [];
  for (let record = 1; record <= MAX_STEPS; record += 1) {
    const res = await channel.transmit(readRecord(sfi, record));
    if (res.sw === SW.RECORD_NOT_FOUND) break;
    expectOk(res, 'READ RECORD (PSE directory)');
    for (const entry of parseDirectoryRecord(res.data)) {
      out.push({ aid: entry.aid, label: entry.label ?? entry.preferredName ?? '', priority: entry.priority });
    }
  }
  return out;
}

/** Selects each known AID, following next occurrences of partial matches; blocked applications are left out. */
async function fromAidList(channel: CardChannel): Promise<{ found: Candidate[]; blocked: number }> {
  const found: Candidate[] = [];
  let blocked = 0;
  for (const known of KNOWN_AIDS) {
    const name = fromHex(known.aid);
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const res = await channel.transmit(selectByName(name, step > 0));
      throwIfCardBlocked(res);
      if (res.sw === SW.SELECTED_FILE_DEACTIVATED) blocked += 1;
      else if (res.sw !== SW.OK) break;
      else {
        const fci = parseFci(res.data);
        if (!found.some((c) => c.aid.equals(fci.dfName))) found.push({ aid: fci.dfName, label: fci.label ?? fci.preferredName ?? known.name, priority: fci.priority });
        // Only a partial match can have a next occurrence.
        if (fci.dfName.length === name.length) break;
      }
    }
  }
  return { found, blocked };
}

/**
 * Builds the candidate list as a terminal does (Book 1 §12.3): the PSE directory when the card has one, else the
 * known AIDs one by one. A blocked card (`6A81`) is ERR_EMV_CARD_BLOCKED; a card with nothing to offer is
 * ERR_EMV_NO_APPLICATION, or ERR_EMV_APPLICATION_BLOCKED when all it has is blocked.
 */
export async function candidateList(channel: CardChannel): Promise<CandidateList> {
  const pse = await channel.transmit(selectByName(PSE_NAME));
  throwIfCardBlocked(pse);
  if (pse.sw === SW.OK) {
    const fci = parseFci(pse.data);
    const listed = await fromPse(channel, fci);
    if (listed.length > 0) return { method: 'pse', applications: byPriority(listed), languages: fci.languages };
  }
  const { found, blocked } = await fromAidList(channel);
  if (found.length === 0) throw new ConnectorError(blocked > 0 ? 'ERR_EMV_APPLICATION_BLOCKED' : 'ERR_EMV_NO_APPLICATION');
  return { method: 'aid-list', applications: byPriority(found), languages: [] };
}

/** SELECT of one application by its AID: its FCI, or the error that says why not. */
export async function selectApplication(channel: CardChannel, aid: Uint8Array): Promise<Fci> {
  const res = await channel.transmit(selectByName(aid));
  throwIfCardBlocked(res);
  if (res.sw === SW.SELECTED_FILE_DEACTIVATED) throw new ConnectorError('ERR_EMV_APPLICATION_BLOCKED', { details: { aid: toHex(aid) } });
  if (res.sw === SW.FILE_NOT_FOUND) throw new ConnectorError('ERR_EMV_APPLICATION_NOT_FOUND', { details: { aid: toHex(aid) } });
  expectOk(res, 'SELECT application');
  return parseFci(res.data);
}

/**
 * Final selection (Book 1 §12.4): the first candidate in priority order that selects; a blocked one is skipped.
 * When every candidate is blocked, ERR_EMV_APPLICATION_BLOCKED.
 */
export async function selectFirstUsable(channel: CardChannel, list: CandidateList): Promise<{ candidate: Candidate; fci: Fci }> {
  for (const candidate of list.applications) {
    try {
      return { candidate, fci: await selectApplication(channel, candidate.aid) };
    } catch (e) {
      if (e instanceof ConnectorError && (e.key === 'ERR_EMV_APPLICATION_BLOCKED' || e.key === 'ERR_EMV_APPLICATION_NOT_FOUND')) continue;
      throw e;
    }
  }
  throw new ConnectorError('ERR_EMV_APPLICATION_BLOCKED');
}
