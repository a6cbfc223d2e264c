import { describe } from 'vitest';
import { openPcscTestLab, type TestLab } from '../../../simulators/lab/test-lab.js';
import { defineBackendSuite, type BackendHarness } from '../backend-suite.js';
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
