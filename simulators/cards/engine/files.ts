/**
 * An ISO 7816-4 file system: the MF, dedicated files (optionally with an AID) and transparent EFs whose
 * content is stored exactly as a card holds it, padding included.
 */
export interface ElementaryFile {
  readonly kind: 'EF';
  readonly fid: number;
  readonly content: Uint8Array;
}

export interface DedicatedFile {
  readonly kind: 'DF';
  readonly fid: number;
  readonly aid: Uint8Array | null;
  readonly children: readonly CardFile[];
}

export type CardFile = ElementaryFile | DedicatedFile;

export const MF_FID = 0x3f00;
/** FIDs ISO 7816-4 reserves: not usable for files. */
const RESERVED_FIDS: ReadonlySet<number> = new Set([0x3fff, 0xffff]);
const MAX_AID_LENGTH = 16;

export function ef(fid: number, content: Uint8Array): ElementaryFile {
  return { kind: 'EF', fid, content };
}

export function df(fid: number, children: readonly CardFile[], aid: Uint8Array | null = null): DedicatedFile {
  return { kind: 'DF', fid, aid, children };
}

/** Reads a FID from two big-endian bytes at `offset`. */
export function fidAt(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
}

export class FileTreeError extends Error {
  override readonly name = 'FileTreeError';
}

/** A validated, immutable file tree with parent links and lookups by FID, path and AID. */
export class FileTree {
  readonly mf: DedicatedFile;
  private readonly parents = new Map<CardFile, DedicatedFile>();
  private readonly dfs: DedicatedFile[] = [];

  constructor(mf: DedicatedFile) {
    if (mf.fid !== MF_FID) throw new FileTreeError(`the root must be the MF (3F00), got ${hex4(mf.fid)}`);
    this.mf = mf;
    this.index(mf);
  }

  private index(dir: DedicatedFile): void {
    this.dfs.push(dir);
    checkAid(dir);
    const seen = new Set<number>();
    for (const child of dir.children) {
      if (!Number.isInteger(child.fid) || child.fid < 0 || child.fid > 0xffff) {
        throw new FileTreeError(`FID ${child.fid} is not 16 bits`);
      }
      if (child.fid === MF_FID || RESERVED_FIDS.has(child.fid)) throw new FileTreeError(`FID ${hex4(child.fid)} is reserved`);
      if (seen.has(child.fid)) throw new FileTreeError(`FID ${hex4(child.fid)} appears twice in DF ${hex4(dir.fid)}`);
      if (this.parents.has(child)) throw new FileTreeError(`file ${hex4(child.fid)} is placed twice in the tree`);
      seen.add(child.fid);
      this.parents.set(child, dir);
      if (child.kind === 'DF') this.index(child);
    }
  }

  /** The DF holding `file`; the MF is its own parent. */
  parentOf(file: CardFile): DedicatedFile {
    return this.parents.get(file) ?? this.mf;
  }

  child(dir: DedicatedFile, fid: number): CardFile | undefined {
    return dir.children.find((c) => c.fid === fid);
  }

  /** Follows FIDs down from `start`; undefined when a step is missing or passes through an EF. */
  walk(start: DedicatedFile, fids: readonly number[]): CardFile | undefined {
    let at: CardFile = start;
    for (const fid of fids) {
      if (at.kind !== 'DF') return undefined;
      const next: CardFile | undefined = this.child(at, fid);
      if (!next) return undefined;
      at = next;
    }
    return at;
  }

  /** A file by its path from the MF, e.g. `at(0xdf00, 0x5031)`; throws when missing (for card builders). */
  at(...fids: number[]): CardFile {
    const file = this.walk(this.mf, fids);
    if (!file) throw new FileTreeError(`no file at 3F00/${fids.map(hex4).join('/')}`);
    return file;
  }

  /** The DF whose AID equals `aid` exactly (the MF may carry the applet's AID). */
  findByAid(aid: Uint8Array): DedicatedFile | undefined {
    return this.dfs.find((d) => d.aid !== null && Buffer.compare(Buffer.from(d.aid), Buffer.from(aid)) === 0);
  }
}

function checkAid(dir: DedicatedFile): void {
  if (dir.aid !== null && (dir.aid.length < 1 || dir.aid.length > MAX_AID_LENGTH)) {
    throw new FileTreeError(`AID of DF ${hex4(dir.fid)} has ${dir.aid.length} bytes (1..${MAX_AID_LENGTH})`);
  }
}

function hex4(fid: number): string {
  return fid.toString(16).toUpperCase().padStart(4, '0');
}
