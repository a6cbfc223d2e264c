import { describe, expect, it } from 'vitest';
import { FileTree, FileTreeError, df, ef } from './files.js';

const aid = Buffer.from('A000000177504B43532D3135', 'hex');
const leaf = ef(0x5031, Buffer.from([1, 2, 3]));
const app = df(0xdf00, [leaf], aid);
const tree = new FileTree(df(0x3f00, [ef(0x2f00, Buffer.alloc(4)), app]));

describe('FileTree', () => {
  it('links parents and walks paths', () => {
    expect(tree.parentOf(leaf)).toBe(app);
    expect(tree.parentOf(app)).toBe(tree.mf);
    expect(tree.parentOf(tree.mf)).toBe(tree.mf);
    expect(tree.walk(tree.mf, [0xdf00, 0x5031])).toBe(leaf);
    expect(tree.walk(tree.mf, [0x2f00, 0x5031])).toBeUndefined();
    expect(tree.walk(tree.mf, [0xdf00, 0x5032])).toBeUndefined();
    expect(tree.at(0xdf00, 0x5031)).toBe(leaf);
    expect(() => tree.at(0xdf01)).toThrow(FileTreeError);
  });

  it('finds DFs by exact AID only', () => {
    expect(tree.findByAid(aid)).toBe(app);
    expect(tree.findByAid(aid.subarray(0, 5))).toBeUndefined();
  });

  it('rejects trees a card could not hold', () => {
    expect(() => new FileTree(df(0x3f01, []))).toThrow(/MF/);
    expect(() => new FileTree(df(0x3f00, [ef(0x0001, Buffer.alloc(1)), ef(0x0001, Buffer.alloc(1))]))).toThrow(/twice/);
    expect(() => new FileTree(df(0x3f00, [ef(0x3f00, Buffer.alloc(1))]))).toThrow(/reserved/);
    expect(() => new FileTree(df(0x3f00, [ef(0xffff, Buffer.alloc(1))]))).toThrow(/reserved/);
    expect(() => new FileTree(df(0x3f00, [df(0xdf00, [], Buffer.alloc(17))]))).toThrow(/AID/);
    const shared = ef(0x0001, Buffer.alloc(1));
    expect(() => new FileTree(df(0x3f00, [shared, df(0xdf00, [shared])]))).toThrow(/placed twice/);
  });
});
