/**
 * APDU round-trip benchmark through the real stack: Node → smartcard binding → libpcsclite → pcscd → vpcd →
 * TCP → iso-echo card. Run after `npm run build`: `node dist/simulators/lab/bench-apdu.js [count]`.
 * A measurement, not a test: it prints APDU/s and latency percentiles.
 */
import { performance } from 'node:perf_hooks';
import { command, decodeResponse, encodeCommand, SW, swHex } from '../../connector/protocol/index.js';
import { ISO_ECHO_ATR, ISO_ECHO_MF, IsoEchoCard } from '../cards/iso-echo/index.js';
import { loadSmartcard, waitForCardState } from './pcsc-watch.js';
import { openPcscTestLab } from './test-lab.js';

export interface BenchResult {
  readonly apdus: number;
  readonly apduPerSecond: number;
  readonly p50Micros: number;
  readonly p99Micros: number;
  readonly quickack: boolean;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchApdu(count = 1000): Promise<BenchResult> {
  const lab = await openPcscTestLab({ readers: 2, apduLog: false });
  try {
    const reader = lab.readers[0]!;
    await lab.insert(reader.index, new IsoEchoCard());
    await waitForCardState(reader.name, { present: true, atr: ISO_ECHO_ATR });
    const pcsc = await loadSmartcard();
    const context = new pcsc.Context();
    try {
      const pcscReader = context.listReaders().find((r) => r.name === reader.name);
      if (!pcscReader) throw new Error(`pcscd does not list ${reader.name}`);
      const card = await pcscReader.connect(pcsc.SCARD_SHARE_SHARED, pcsc.SCARD_PROTOCOL_T0 | pcsc.SCARD_PROTOCOL_T1);
      const select = encodeCommand(command(0x00, 0xa4, 0x00, 0x00, Buffer.from([ISO_ECHO_MF >> 8, ISO_ECHO_MF & 0xff])));
      const once = async (): Promise<void> => {
        const { sw } = decodeResponse(await card.transmit(select, { autoGetResponse: false }));
        if (sw !== SW.OK) throw new Error(`SELECT answered ${swHex(sw)}`);
      };
      for (let i = 0; i < 50; i++) await once(); // warm-up
      const micros: number[] = [];
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        await once();
        micros.push((performance.now() - t0) * 1000);
      }
      const elapsedMs = performance.now() - started;
      card.disconnect(pcsc.SCARD_LEAVE_CARD);
      micros.sort((a, b) => a - b);
      return {
        apdus: count,
        apduPerSecond: Math.round((count / elapsedMs) * 1000),
        p50Micros: Math.round(percentile(micros, 50)),
        p99Micros: Math.round(percentile(micros, 99)),
        quickack: lab.cardHost !== '127.0.0.1',
      };
    } finally {
      context.close();
    }
  } finally {
    await lab.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const count = Number(process.argv[2] ?? 1000);
  benchApdu(count).then(
    (r) => {
      process.stdout.write(
        `${r.apdus} SELECTs via pcscd+vpcd (${r.quickack ? 'quickack route, card at 127.0.0.2' : 'no quickack route: slow mode'}): ` +
          `${r.apduPerSecond} APDU/s, p50 ${r.p50Micros} µs, p99 ${r.p99Micros} µs\n`,
      );
    },
    (e: unknown) => {
      console.error(`bench-apdu: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
