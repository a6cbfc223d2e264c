import { SELECT_P1, SELECT_P2, SW, type CommandApdu } from '../../../connector/protocol/index.js';
import { MF_FID, fidAt, type CardFile, type DedicatedFile, type FileTree } from './files.js';
import { reply, type Reply } from './response.js';

/** The current file; after reset (and at power-on) the MF. */
export class FileSelection {
  readonly tree: FileTree;
  current: CardFile;

  constructor(tree: FileTree) {
    this.tree = tree;
    this.current = tree.mf;
  }

  /** The current DF: the current file itself, or the DF holding the current EF. */
  get currentDf(): DedicatedFile {
    return this.current.kind === 'DF' ? this.current : this.tree.parentOf(this.current);
  }

  reset(): void {
    this.current = this.tree.mf;
  }
}

const MAX_AID = 16;

/**
 * SELECT FILE (`00 A4 P1 P2 Lc data`): P1 00/02 a FID among the children of the current DF (3F00 from
 * anywhere), 04 an AID, 08 a path from the MF (with or without a leading 3F00), 09 a path from the current
 * DF. P2 00 or 0C; no FCI is ever returned. On any error the selection does not change.
 */
export function selectFile(selection: FileSelection, cmd: CommandApdu): Reply {
  if (cmd.p2 !== SELECT_P2.FCI && cmd.p2 !== SELECT_P2.NO_RESPONSE_DATA) return reply(SW.INCORRECT_P1P2);
  const found = locate(selection, cmd.p1, cmd.data);
  if (typeof found === 'number') return reply(found);
  selection.current = found;
  return reply(SW.OK);
}

function locate(selection: FileSelection, p1: number, data: Uint8Array): CardFile | number {
  const { tree } = selection;
  switch (p1) {
    case SELECT_P1.FID:
    case SELECT_P1.CHILD_FID: {
      if (data.length === 0 && p1 === SELECT_P1.FID) return tree.mf;
      if (data.length !== 2) return SW.LC_INCONSISTENT_WITH_P1P2;
      const fid = fidAt(data, 0);
      if (fid === MF_FID) return tree.mf;
      const dir = selection.currentDf;
      if (fid === dir.fid) return dir;
      return tree.child(dir, fid) ?? SW.FILE_NOT_FOUND;
    }
    case SELECT_P1.AID:
      if (data.length > MAX_AID) return SW.LC_INCONSISTENT_WITH_P1P2;
      // An empty AID would select the card manager, which no simulated card offers.
      if (data.length === 0) return SW.FILE_NOT_FOUND;
      return tree.findByAid(data) ?? SW.FILE_NOT_FOUND;
    case SELECT_P1.PATH_FROM_MF:
    case SELECT_P1.PATH_FROM_CURRENT_DF: {
      if (data.length === 0 || data.length % 2 !== 0) return SW.LC_INCONSISTENT_WITH_P1P2;
      const fids = Array.from({ length: data.length / 2 }, (_, i) => fidAt(data, 2 * i));
      if (p1 === SELECT_P1.PATH_FROM_CURRENT_DF) return tree.walk(selection.currentDf, fids) ?? SW.FILE_NOT_FOUND;
      // Clients send absolute paths with the MF's FID (OpenSC 3F00DF005031) as often as without.
      const rest = fids[0] === MF_FID ? fids.slice(1) : fids;
      return tree.walk(tree.mf, rest) ?? SW.FILE_NOT_FOUND;
    }
    default:
      return SW.INCORRECT_P1P2;
  }
}
