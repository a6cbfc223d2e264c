import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { IsoEchoCard } from '../../../simulators/cards/iso-echo/index.js';
import { command } from '../../protocol/index.js';
import { openPcscTestLab, type TestLab } from '../../../simulators/lab/test-lab.js';
import { defineBackendSuite, waitForReader, type BackendHarness } from '../backend-suite.js';
import { DEFAULT_BOUNDS } from '../raw-card.js';
import { PcscBackend } from './backend.js';

interface PcscHarness extends BackendHarness {
  readonly lab: TestLab;
}

async function openPcsc(): Promise<PcscHarness> {
  const lab = await openPcscTestLab({ readers: 2 });
  const backend = new PcscBackend(DEFAULT_BOUNDS);
  try {
    await backend.start();
  } catch (e) {
    await lab.close();
    throw e;
  }
  return {
    lab,
    backend,
    readerNames: lab.readers.map((r) => r.name),
    plug: (index, card) => lab.insert(index, card),
    unplug: (index) => lab.remove(index),
  };
}

async function closePcsc(h: BackendHarness): Promise<void> {
  await h.backend.stop();
  await (h as PcscHarness).lab.close();
}

// pcscd is one per machine: these tests run against the real pcscd + vpcd stack through the test lab's lock.
describe('pcsc reader backend (pcscd + vpcd)', () => {
  defineBackendSuite(openPcsc, closePcsc);
});

/** `opensc-tool --reader NAME --send-apdu …`: another PC/SC application, which locks the card (a transaction) to send. */
function otherApplicationSends(readerName: string, apdu: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('opensc-tool', ['--reader', readerName, '--send-apdu', apdu], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`opensc-tool: ${error.killed ? 'timed out waiting for the card' : stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

describe('pcsc reader backend and other PC/SC applications', () => {
  it('leaves the card free after each session (leave or reset): another application locks and uses it at once', async () => {
    const h = await openPcsc();
    try {
      const name = h.readerNames[0]!;
      await h.plug(0, new IsoEchoCard());
      const reader = await waitForReader(h.backend, name, (r) => r.card !== null);
      const selectMf = (): Promise<number> => h.backend.withSession(reader.id, async (channel) => (await channel.transmit(command(0x00, 0xa4, 0x00, 0x00, Buffer.from('3f00', 'hex')))).sw);
      for (const disposition of ['leave', 'reset'] as const) {
        await h.backend.withSession(reader.id, async (channel) => channel.transmit(command(0x00, 0xa4, 0x00, 0x00, Buffer.from('3f00', 'hex'))), { disposition });
        expect(await otherApplicationSends(name, '00:A4:00:00:02:3F:00'), disposition).toMatch(/SW1=0x[0-9a-f]{2}/i);
      }
      expect(await selectMf(), 'the connector gets the card back afterwards').toBeGreaterThanOrEqual(0x6000);
    } finally {
      await closePcsc(h);
    }
  });
});
