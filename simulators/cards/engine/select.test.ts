import { describe, expect, it } from 'vitest';
import { SW, command, fromHex } from '../../../connector/protocol/index.js';
import { FileTree, df, ef } from './files.js';
import { FileSelection, selectFile } from './select.js';

const appAid = fromHex('A0000000302905700 0AD131001 01FF'.replace(/ /g, ''));
const dfAid = fromHex('A000000177504B43532D3135');
const odf = ef(0x5031, Buffer.alloc(4));
const idFile = ef(0x4031, Buffer.alloc(4));
const belpic = df(0xdf00, [odf], dfAid);
const id = df(0xdf01, [idFile]);
const dir = ef(0x2f00, Buffer.alloc(4));
const tree = new FileTree(df(0x3f00, [dir, belpic, id], appAid));

function select(sel: FileSelection, p1: number, data: string, p2 = 0x0c): number {
  return selectFile(sel, command(0x00, 0xa4, p1, p2, fromHex(data))).sw;
}

describe('SELECT FILE', () => {
  it('P1 02/00: children of the current DF, 3F00 from anywhere, the current DF itself', () => {
    const sel = new FileSelection(tree);
    expect(select(sel, 0x02, 'DF00')).toBe(SW.OK);
    expect(sel.current).toBe(belpic);
    expect(select(sel, 0x02, '5031')).toBe(SW.OK);
    expect(sel.current).toBe(odf);
    expect(sel.currentDf).toBe(belpic);
    expect(select(sel, 0x02, '2F00')).toBe(SW.FILE_NOT_FOUND);
    expect(sel.current).toBe(odf); // a failed SELECT keeps the selection
    expect(select(sel, 0x00, 'DF00')).toBe(SW.OK);
    expect(sel.current).toBe(belpic);
    expect(select(sel, 0x02, '3F00')).toBe(SW.OK);
    expect(sel.current).toBe(tree.mf);
    expect(select(sel, 0x00, '')).toBe(SW.OK);
    expect(sel.current).toBe(tree.mf);
    expect(select(sel, 0x02, '')).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
    expect(select(sel, 0x02, 'DF0001')).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
  });

  it('P1 08: absolute paths with or without the leading 3F00', () => {
    const sel = new FileSelection(tree);
    expect(select(sel, 0x08, '3F00DF005031')).toBe(SW.OK);
    expect(sel.current).toBe(odf);
    expect(select(sel, 0x08, 'DF014031')).toBe(SW.OK);
    expect(sel.current).toBe(idFile);
    expect(select(sel, 0x08, '3F00')).toBe(SW.OK);
    expect(sel.current).toBe(tree.mf);
    expect(select(sel, 0x08, '3F002F00')).toBe(SW.OK);
    expect(sel.current).toBe(dir);
    expect(select(sel, 0x08, '3F00DF005036')).toBe(SW.FILE_NOT_FOUND);
    expect(select(sel, 0x08, '3F002F005031')).toBe(SW.FILE_NOT_FOUND);
    expect(select(sel, 0x08, '3F00DF')).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
    expect(select(sel, 0x08, '')).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
    expect(sel.current).toBe(dir);
  });

  it('P1 09: paths from the current DF', () => {
    const sel = new FileSelection(tree);
    expect(select(sel, 0x09, 'DF01')).toBe(SW.OK);
    expect(select(sel, 0x09, '4031')).toBe(SW.OK);
    expect(sel.current).toBe(idFile);
    expect(select(sel, 0x09, 'DF005031')).toBe(SW.FILE_NOT_FOUND);
  });

  it('P1 04: AIDs, P2 00 or 0C, no FCI either way', () => {
    const sel = new FileSelection(tree);
    const a = selectFile(sel, command(0x00, 0xa4, 0x04, 0x00, dfAid));
    expect(a).toEqual({ sw: SW.OK });
    expect(sel.current).toBe(belpic);
    expect(select(sel, 0x04, appAid.toString('hex'), 0x00)).toBe(SW.OK);
    expect(sel.current).toBe(tree.mf);
    expect(select(sel, 0x04, 'A000000177')).toBe(SW.FILE_NOT_FOUND);
    expect(select(sel, 0x04, '')).toBe(SW.FILE_NOT_FOUND);
    expect(select(sel, 0x04, '00'.repeat(17))).toBe(SW.LC_INCONSISTENT_WITH_P1P2);
  });

  it('refuses other P1/P2', () => {
    const sel = new FileSelection(tree);
    expect(select(sel, 0x01, 'DF00')).toBe(SW.INCORRECT_P1P2);
    expect(select(sel, 0x02, 'DF00', 0x04)).toBe(SW.INCORRECT_P1P2);
    expect(sel.current).toBe(tree.mf);
  });
});
