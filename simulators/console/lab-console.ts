import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadCardProfile } from '../../fixtures/cards/index.js';
import type { CardFaultState } from '../cards/fault-card.js';
import { newSecret } from '../ds/secrets.js';
import { fetchDsToken, type DsEndpoint } from '../ds/token-client.js';
import type { LabEvents, TraceNote, TracedApdu } from '../lab/lab-events.js';
import { repoRoot } from '../lab/paths.js';
import type { LabState } from '../lab/state.js';
import { buildConsoleApp, type ConsoleOp } from './console-app.js';
import { buildDemoApp } from './demo-app.js';
import { EventStream } from './event-stream.js';
import { SECRET_PARAM } from './guard.js';
import { closeServer, listenLoopback } from './listen.js';
import { consoleView } from './state-view.js';
import { TraceFeed } from './trace-feed.js';

/** What the lab supervisor gives its console: the data it already has, and its one queue of operations. */
export interface LabConsoleDeps {
  readonly events: LabEvents;
  /** The lab state (with its secrets; the console serves a view without them). */
  state(): LabState;
  faultsOf(reader: number): CardFaultState | null;
  run(op: ConsoleOp): Promise<unknown>;
  /** The lab's connector, or null (`--no-connector`): then there is no demo. */
  readonly connector: { readonly url: string; readonly port: number; readonly caCert: string } | null;
  /**
   * Registers the demo's origin as an application at the lab's DS and resolves once the connector allows it (its CORS
   * list); gives the application's DS endpoint (URL and API key) its back end uses. Null without a DS.
   */
  readonly registerDemo: ((origin: string) => Promise<DsEndpoint>) | null;
  /** Default: the checkout's `reports/`. */
  readonly reportsDir?: string;
}

/** `console` in the lab state: the URLs to open, each carrying the lab's console secret once. */
export interface ConsoleState {
  readonly url: string;
  readonly demoUrl?: string;
}

export interface LabConsole {
  readonly state: ConsoleState;
  stop(): Promise<void>;
}

function familyOf(state: LabState, reader: number): string | null {
  const profile = state.readers.find((r) => r.index === reader)?.card?.profile;
  return profile ? loadCardProfile(profile).family : null;
}

/**
 * Starts the console on its own loopback port — and, when the lab has a connector and a DS, the demo application on a
 * second one, registered at the DS so the connector allows it — and streams the lab's events to open pages.
 */
export async function startLabConsole(deps: LabConsoleDeps): Promise<LabConsole> {
  const secret = newSecret();
  const stream = new EventStream();
  const feed = new TraceFeed((reader) => familyOf(deps.state(), reader));
  const view = () => consoleView(deps.state(), deps.faultsOf);
  const onChanged = (): void => stream.send('state', view());
  const onApdu = (apdu: TracedApdu): void => stream.send('trace', feed.apdu(apdu));
  const onNote = (note: TraceNote): void => stream.send('trace', feed.note(note));
  const apps: FastifyInstance[] = [];
  const servers: Awaited<ReturnType<typeof listenLoopback>>[] = [];
  const stop = async (): Promise<void> => {
    deps.events.off('changed', onChanged).off('apdu', onApdu).off('note', onNote);
    stream.close();
    await Promise.all(apps.map((app) => app.close()));
    await Promise.all(servers.map(({ server }) => closeServer(server)));
  };
  try {
    const consoleSide = await listenLoopback();
    servers.push(consoleSide);
    let demoUrl: string | undefined;
    if (deps.connector && deps.registerDemo) {
      const demoSide = await listenLoopback();
      servers.push(demoSide);
      const ds = await deps.registerDemo(demoSide.origin);
      const demo = buildDemoApp({ origin: demoSide.origin, secret, connector: deps.connector, token: () => fetchDsToken(ds) }, demoSide.server);
      apps.push(demo);
      await demo.ready();
      demoUrl = `${demoSide.origin}/?${SECRET_PARAM}=${secret}`;
    }
    const app = buildConsoleApp(
      {
        origin: consoleSide.origin,
        secret,
        view,
        run: deps.run,
        feed,
        stream,
        demoUrl: () => demoUrl ?? null,
        reportsDir: deps.reportsDir ?? path.join(repoRoot(), 'reports'),
        caCert: deps.connector?.caCert ?? null,
      },
      consoleSide.server,
    );
    apps.push(app);
    await app.ready();
    deps.events.on('changed', onChanged).on('apdu', onApdu).on('note', onNote);
    return { state: { url: `${consoleSide.origin}/?${SECRET_PARAM}=${secret}`, ...(demoUrl ? { demoUrl } : {}) }, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
