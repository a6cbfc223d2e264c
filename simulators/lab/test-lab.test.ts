import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISO_ECHO_ATR, ISO_ECHO_MF, IsoEchoCard } from '../cards/iso-echo/index.js';
import { command, decodeResponse, encodeCommand, SW, toHex } from '../../connector/protocol/index.js';
import { loadSmartcard, waitForCardState } from './pcsc-watch.js';
import { detectRunningPcscd } from './pcscd.js';
import { acquirePcscdLock } from './pcscd-lock.js';
import { hasQuickackRoute, QUICKACK_HOST } from './route.js';
import { isRoot } from './processes.js';
import { openPcscTestLab, type TestLab } from './test-lab.js';
import { waitForFileText } from './wait-for-file.js';

const selectMf = encodeCommand(command(0x00, 0xa4, 0x00, 0x00, Buffer.from([ISO_ECHO_MF >> 8, ISO_ECHO_MF & 0xff])));

describe('openPcscTestLab', () => {
  let lab: TestLab;
  beforeAll(async () => {
    lab = await openPcscTestLab({ readers: 2, apduLog: true });
  }, 240_000); // may queue behind other test files for the machine pcscd lock
  afterAll(async () => {
    await lab?.close();
  });

  it('offers the vpcd readers by their pcscd names, on the documented ports', () => {
    expect(lab.readers).toEqual([
      { index: 0, name: 'Virtual PCD 00 00', port: 35963 },
      { index: 1, name: 'Virtual PCD 00 01', port: 35964 },
    ]);
    expect(lab.cardHost).toBe(isRoot() ? QUICKACK_HOST : '127.0.0.1');
  });

  it('lets pcscd see an inserted card, answer APDUs through the binding and see it removed', async () => {
    const reader = lab.readers[0]!;
    await lab.insert(0, new IsoEchoCard());
    const state = await waitForCardState(reader.name, { present: true, atr: ISO_ECHO_ATR });
    expect(toHex(state.atr!)).toBe(toHex(ISO_ECHO_ATR));

    const pcsc = await loadSmartcard();
    const context = new pcsc.Context();
    try {
      const pcscReader = context.listReaders().find((r) => r.name === reader.name)!;
      const card = await pcscReader.connect(pcsc.SCARD_SHARE_SHARED, pcsc.SCARD_PROTOCOL_T0 | pcsc.SCARD_PROTOCOL_T1);
      const answer = decodeResponse(await card.transmit(selectMf, { autoGetResponse: false }));
      expect(answer.sw).toBe(SW.OK);
      card.disconnect(pcsc.SCARD_LEAVE_CARD);
    } finally {
      context.close();
    }
    // the log reaches the file through the lab's redacting pipe, just after pcscd wrote it
    const logged = await waitForFileText(lab.pcscdLogPath, (text) => text.replace(/\s/g, '').toUpperCase().includes(toHex(selectMf)), 5_000).catch(() => readFileSync(lab.pcscdLogPath, 'utf8'));
    expect(logged.replace(/\s/g, '').toUpperCase()).toContain(toHex(selectMf));

    await lab.remove(0);
    await waitForCardState(reader.name, { present: false });
  });

  it('refuses a second card in an occupied reader', async () => {
    await lab.insert(1, new IsoEchoCard());
    await expect(lab.insert(1, new IsoEchoCard())).rejects.toThrow(/already holds a card/);
    await lab.remove(1);
  });

  it('leaves nothing behind when closed', { timeout: 240_000 }, async () => {
    const logPath = lab.pcscdLogPath;
    await lab.close();
    expect(existsSync(logPath)).toBe(false);
    const lock = await acquirePcscdLock('test-lab'); // nobody else's lab runs while we look
    try {
      expect(await detectRunningPcscd()).toBeNull();
      expect(hasQuickackRoute()).toBe(false);
    } finally {
      await lock.release();
    }
  });
});

describe('openPcscTestLab with more readers', () => {
  it('keeps four readers apart: a card on each port is seen in its own reader only', { timeout: 240_000 }, async () => {
    const lab = await openPcscTestLab({ readers: 4, apduLog: false });
    try {
      expect(lab.readers.map((r) => [r.name, r.port])).toEqual([
        ['Virtual PCD 00 00', 35963],
        ['Virtual PCD 00 01', 35964],
        ['Virtual PCD 1 00 00', 35965],
        ['Virtual PCD 1 00 01', 35966],
      ]);
      for (const reader of lab.readers) {
        await lab.insert(reader.index, new IsoEchoCard());
        await waitForCardState(reader.name, { present: true, atr: ISO_ECHO_ATR });
        for (const other of lab.readers.filter((r) => r !== reader)) await waitForCardState(other.name, { present: false });
        await lab.remove(reader.index);
        await waitForCardState(reader.name, { present: false });
      }
    } finally {
      await lab.close();
    }
  });

  it('refuses more readers than pcscd can hold, before taking the lock', async () => {
    await expect(openPcscTestLab({ readers: 17 })).rejects.toThrow(/pcscd offers 1\.\.16 vpcd readers, not 17/);
  });
});
