/**
 * A process that holds virtual cards for the embedded ceiling, the way the lab supervisor holds them for the
 * connector: `node dist/load/card-host.js '<CardHostSpec JSON>'`. Each card is linked over vpcd to its port
 * (with the lab's APDU trace); the process prints `{"event":"ready"}` once every link is up and ends when its
 * stdin closes or on SIGTERM. So the direct-APDU ceiling crosses the same process boundary as the connector.
 */
import path from 'node:path';
import { withLatency, type CardLatency } from '../simulators/cards/latency.js';
import { prepareCard } from '../simulators/cards/registry.js';
import { ApduTrace } from '../simulators/lab/apdu-trace.js';
import { CardLink } from '../simulators/vpcd/card-link.js';

export interface CardHostSpec {
  readonly host: string;
  readonly traceDir: string;
  readonly cards: readonly { readonly profile: string; readonly persona: string | null; readonly latency: CardLatency | null; readonly port: number }[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as CardHostSpec;
  const links: CardLink[] = [];
  const traces: ApduTrace[] = [];
  let closing = false;
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await Promise.all(links.map((link) => link.remove()));
    await Promise.all(traces.map((trace) => trace.close()));
    process.exit(0);
  };
  process.once('SIGTERM', () => void close());
  process.stdin.on('end', () => void close());
  process.stdin.on('close', () => void close());
  process.stdin.resume();
  for (const [i, card] of spec.cards.entries()) {
    const prepared = prepareCard(card.profile, card.persona);
    const trace = new ApduTrace(path.join(spec.traceDir, `apdu-${i}.log`));
    traces.push(trace);
    const link = new CardLink(card.latency ? withLatency(prepared.card, card.latency) : prepared.card, { host: spec.host, port: card.port, onExchange: trace.onExchange });
    await link.insert();
    links.push(link);
  }
  process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`card-host: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
