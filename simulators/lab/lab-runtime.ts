import { rmSync } from 'node:fs';
import { toHex } from '../../connector/protocol/index.js';
import { prepareCard, type PreparedCard } from '../cards/registry.js';
import { withLatency, type CardLatency } from '../cards/latency.js';
import { ApduTrace } from './apdu-trace.js';
import type { CardFault } from '../cards/fault-card.js';
import { CardSlots } from './card-slots.js';
import { LabFaults } from './faults.js';
import { LabEvents } from './lab-events.js';
import { LAB_APP_ORIGIN, connectorBuilt, labConnectorConfig, startConnector, type ConnectorHandle, type ConnectorReaderBus } from './connector-process.js';
import { waitForConnectorOrigin, waitForConnectorReaders, type ConnectorEndpoint, type ConnectorReader } from './connector-readers.js';
import { startLabConsole, type LabConsole } from '../console/lab-console.js';
import type { ConsoleOp } from '../console/console-app.js';
import type { DsEndpoint } from '../ds/token-client.js';
import { embeddedReaderName, freeLoopbackPorts } from './embedded-ports.js';
import { LAB_AUDIENCE, LAB_DEMO_APP_NAME, startLabDs, type LabDs } from './lab-ds.js';
import { LabError } from './lab-error.js';
import { LabTokens } from './lab-tokens.js';
import { writeLabOpenScConf } from './opensc-conf.js';
import type { LabFiles } from './paths.js';
import type { PcscHardware } from './pcsc-hardware.js';
import type { PcscdLock } from './pcscd-lock.js';
import { startProviderHardware, type Provider } from './providers/index.js';
import { waitForCardState } from './pcsc-watch.js';
import type { Backend, LabState } from './state.js';

export interface CardSpec {
  readonly profile: string;
  readonly persona: string | null;
  /** A real-card latency model (simulators/cards/latency.ts): the card answers PSO:CDS after `signMs`. */
  readonly latency?: CardLatency;
}

/** What `lab up` asks the supervisor for. */
export interface LabSpec {
  readonly backend: Backend;
  readonly cards: readonly CardSpec[];
  readonly readers: number;
  /** Start the connector (false with `--no-connector`). */
  readonly connector: boolean;
  /** pcscd `-a` APDU logging into `.lab/pcscd.log` (default on: the canary-PIN test searches it). */
  readonly apduLog: boolean;
  /** A user's lab (`t1c-lab lab up`): test labs refuse to wait for it. Otherwise a batch lab they queue behind. */
  readonly interactive: boolean;
  /** Provision the SoftHSM tokens and give them to the connector (default true; false with `--no-tokens`). */
  readonly tokens?: boolean;
  /** Serve the lab console (and its demo application) from the start (`--console`); `lab console` starts it later. */
  readonly console?: boolean;
  /** Where pcscd runs for the pcsc backend: on this machine (default) or in a container of the lab's own. */
  readonly provider?: Provider;
  /** The lab ends with the process that started it (its IPC channel stays open; see UpOptions.boundToCaller). */
  readonly boundToCaller?: boolean;
}

interface Reader {
  readonly index: number;
  readonly name: string;
  readonly port: number;
}

type Log = (line: string) => void;

/**
 * Everything a running lab owns — pcscd or the embedded readers, the route, the card links, the connector —
 * and the operations the control socket offers on it. One instance lives in the supervisor process.
 */
export class LabRuntime {
  /** What happens in the lab as it happens: state changes, APDUs, trace notes (lab-events.ts). */
  readonly events = new LabEvents();
  private readonly occupants = new Map<number, PreparedCard>();
  private readonly traces = new Map<number, ApduTrace>();
  private readonly warnings: string[] = [];
  private readonly faults: LabFaults;
  private connector: ConnectorHandle | null = null;
  /** The lab's Distribution Service: runs for the whole lab, with or without the connector. */
  private ds: LabDs | null = null;
  /** The lab's SoftHSM tokens (null with `--no-tokens` or without SoftHSM). */
  private tokens: LabTokens | null = null;
  /** Reader name → the connector's reader id. */
  private readonly readerIds = new Map<string, string>();
  /** The connector's reader list when it first showed every reader and token (token ids for the state). */
  private listed: readonly ConnectorReader[] = [];
  /** Embedded readers pulled out with `unplugReader` (their cards stay in them, as in a real reader). */
  private readonly unplugged = new Set<number>();
  /** The lab console, once asked for (`--console` or `lab console`). */
  private console: LabConsole | null = null;

  private constructor(
    readonly spec: LabSpec,
    private readonly files: LabFiles,
    private readonly readers: readonly Reader[],
    private readonly slots: CardSlots,
    private readonly cardHost: string,
    private readonly hardware: (PcscHardware & { readonly socket?: string }) | null,
    private readonly lock: PcscdLock | null,
    private readonly log: Log,
  ) {
    for (const reader of readers) {
      rmSync(files.apduTrace(reader.index), { force: true });
      this.traces.set(reader.index, new ApduTrace(files.apduTrace(reader.index), reader.index, this.events));
    }
    if (hardware?.routeWarning) this.warnings.push(hardware.routeWarning);
    this.faults = new LabFaults((index) => this.remove(index), log);
  }

  static async start(spec: LabSpec, files: LabFiles, log: Log): Promise<LabRuntime> {
    const runtime = spec.backend === 'pcsc' ? await LabRuntime.startPcsc(spec, files, log) : await LabRuntime.startEmbedded(spec, files, log);
    try {
      runtime.ds = await startLabDs(files.dir, [LAB_APP_ORIGIN]);
      log(`DS ready at ${runtime.ds.url}`);
      if (spec.tokens !== false) {
        runtime.tokens = await LabTokens.provision(files.hsmDir, process.env['T1C_LAB_STRICT'] === '1', (line) => runtime.warn(line));
        if (runtime.tokens) log(`SoftHSM tokens provisioned in ${files.hsmDir}`);
      }
      await runtime.startConnectorStep();
      for (const card of spec.cards) await runtime.insert(card);
      return runtime;
    } catch (e) {
      await runtime.stop();
      throw e;
    }
  }

  private static async startPcsc(spec: LabSpec, files: LabFiles, log: Log): Promise<LabRuntime> {
    const options = { readers: spec.readers, apduLog: spec.apduLog, interactive: spec.interactive, labDir: files.dir, confDir: files.pcscdConfDir, pcscdLogPath: files.pcscdLog, log };
    const { hardware, lock } = await startProviderHardware(spec.provider ?? 'local', options);
    return new LabRuntime(spec, files, hardware.readers, new CardSlots(hardware.readers, hardware.cardHost), hardware.cardHost, hardware, lock, log);
  }

  private static async startEmbedded(spec: LabSpec, files: LabFiles, log: Log): Promise<LabRuntime> {
    const ports = await freeLoopbackPorts(spec.readers);
    const readers = ports.map((port, index) => ({ index, name: embeddedReaderName(index), port }));
    return new LabRuntime(spec, files, readers, new CardSlots(readers, '127.0.0.1'), '127.0.0.1', null, null, log);
  }

  /**
   * The "start connector" step. Embedded: the connector *is* the reader, so without it (and without
   * --no-connector) the lab cannot run; with --no-connector the cards wait for a listener on their ports.
   * pcsc: the readers work without it, so a connector that is not built yet is a warning.
   */
  private async startConnectorStep(): Promise<void> {
    if (!this.spec.connector) return;
    if (this.spec.backend === 'pcsc' && !connectorBuilt()) {
      this.warn('the connector is not built (dist/connector/main.js); the lab runs without it');
      return;
    }
    const ds = this.ds ? { url: this.ds.url, credentialFile: this.ds.credentialFile, audience: LAB_AUDIENCE } : undefined;
    const tokens = this.tokens;
    const config = labConnectorConfig(this.files.connectorDir, this.spec.backend, this.readers.map((r) => r.port), ds, tokens?.library.module);
    // OPENSC_CONF: the lab's OpenSC settings, for when a PKCS#11 library of OpenSC is configured through the API.
    const env = { ...tokens?.library.env, OPENSC_CONF: writeLabOpenScConf(this.files.dir) };
    this.connector = await startConnector(this.files.connectorDir, config, (how) => this.warn(how), undefined, env);
    this.log(`connector ready at ${this.connector.url} (pid ${this.connector.pid})`);
    const names = this.readers.map((r) => r.name);
    const what = `readers ${names.join(', ')}${tokens ? ' and the SoftHSM tokens' : ''}`;
    const everything = (readers: readonly ConnectorReader[]): boolean => names.every((name) => readers.some((r) => r.name === name)) && (tokens?.listedIn(readers) ?? true);
    this.listed = await waitForConnectorReaders(this.endpoint(this.connector), everything, what);
    for (const reader of this.listed) this.readerIds.set(reader.name, reader.id);
  }

  /** With a connector, waits until it shows `readerName` with this card (ATR) or empty (null). */
  private async connectorSees(readerName: string, atr: string | null): Promise<void> {
    if (!this.connector) return;
    const matches = (r: ConnectorReader): boolean => r.name === readerName && (atr === null ? r.card === undefined : r.card?.atr === atr);
    await waitForConnectorReaders(this.endpoint(this.connector), (readers) => readers.some(matches), `${readerName} ${atr === null ? 'empty' : 'with ATR ' + atr}`);
  }

  /** How the lab itself calls its connector: with a fresh DS token when the lab has a DS. */
  private endpoint(connector: ConnectorHandle): ConnectorEndpoint {
    const ds = this.ds;
    return { port: connector.port, caCert: connector.caCert, ...(ds ? { token: () => ds.token() } : {}) };
  }

  private changed(): void {
    this.events.emit('changed');
  }

  /**
   * Starts the lab console once (simulators/console): its pages read this runtime's state and events, and its
   * operations go through `run`, the supervisor's one queue, like the control socket's.
   */
  async openConsole(run: (op: ConsoleOp) => Promise<unknown>): Promise<LabState> {
    if (!this.console) {
      const connector = this.connector;
      this.console = await startLabConsole({
        events: this.events,
        state: () => this.state(),
        faultsOf: (reader) => this.faults.state(reader),
        run,
        connector: connector ? { url: connector.url, port: connector.port, caCert: connector.caCert } : null,
        registerDemo: connector && this.ds ? (origin) => this.registerApplication(LAB_DEMO_APP_NAME, origin) : null,
      });
      this.log(`console at ${new URL(this.console.state.url).origin}${this.console.state.demoUrl ? `, demo at ${new URL(this.console.state.demoUrl).origin}` : ''}`);
      this.changed();
    }
    return this.state();
  }

  /** Registers a web application at the lab's DS and waits until the connector allows its origin. */
  private async registerApplication(name: string, origin: string): Promise<DsEndpoint> {
    const ds = this.ds!;
    const apiKey = ds.register(name, [origin]);
    await waitForConnectorOrigin(this.endpoint(this.connector!), origin);
    return { url: ds.url, apiKey };
  }

  private warn(line: string): void {
    this.warnings.push(line);
    this.log(`warning: ${line}`);
  }

  /** Cards connect to a reader that listens: pcscd's vpcd, or the running connector's embedded reader, plugged in. */
  private listens(index: number): boolean {
    return this.spec.backend === 'pcsc' || (this.connector !== null && !this.unplugged.has(index));
  }

  private readerAt(index: number): Reader {
    const reader = this.readers.find((r) => r.index === index);
    if (!reader) throw new LabError('ERR_LAB_READER_INVALID', `no reader ${index} (the lab has readers 0..${this.readers.length - 1})`);
    return reader;
  }

  /** Inserts a fresh card; returns once pcscd (pcsc) and the connector (when running) report it with its ATR. */
  async insert(spec: CardSpec, readerIndex?: number): Promise<LabState> {
    const index = readerIndex ?? this.slots.firstEmpty();
    if (index === null) throw new LabError('ERR_LAB_READER_OCCUPIED', 'every reader holds a card; remove one first (lab remove --reader N)');
    const reader = this.readerAt(index);
    const fresh = prepareCard(spec.profile, spec.persona);
    const prepared = spec.latency ? { ...fresh, card: withLatency(fresh.card, spec.latency) } : fresh;
    const trace = this.traces.get(index)!;
    // A dropped link (reader replugged, pcscd restarted, a mute card dropped) retries at least every 200 ms: on
    // loopback a refused connect costs nothing, and the card is back soon after its reader.
    await this.slots.insert(index, this.faults.wrap(index, prepared.card), { onExchange: trace.onExchange, maxBackoffMs: 200 }, this.listens(index));
    this.occupants.set(index, prepared);
    this.changed();
    trace.note(`inserted ${prepared.profile}${prepared.persona ? ':' + prepared.persona : ''} ATR ${toHex(prepared.card.atr)}`);
    this.log(`reader ${index}: inserted ${prepared.profile}${prepared.persona ? ':' + prepared.persona : ''}`);
    try {
      if (this.hardware) {
        await waitForCardState(reader.name, { present: true, atr: prepared.card.atr });
      }
      // a card put into an unplugged reader shows once the reader is plugged back in
      if (!this.unplugged.has(index)) await this.connectorSees(reader.name, toHex(prepared.card.atr));
    } catch (e) {
      await this.remove(index).catch(() => undefined);
      throw e;
    }
    return this.state();
  }

  /** Removes the card; returns once pcscd and the connector (when running) report the reader empty. */
  async remove(readerIndex: number): Promise<LabState> {
    const reader = this.readerAt(readerIndex);
    await this.slots.remove(readerIndex);
    this.faults.forget(readerIndex);
    this.occupants.delete(readerIndex);
    this.changed();
    this.traces.get(readerIndex)?.note('removed');
    this.log(`reader ${readerIndex}: removed`);
    if (this.hardware) await waitForCardState(reader.name, { present: false });
    if (!this.unplugged.has(readerIndex)) await this.connectorSees(reader.name, null);
    return this.state();
  }

  /** The running connector's embedded reader bus, or why there is none. */
  private readerBus(action: string): ConnectorReaderBus {
    if (this.spec.backend !== 'embedded') {
      throw new LabError('ERR_LAB_FAULT_INVALID', `${action} needs the embedded backend: pcscd's vpcd readers stay for pcscd's lifetime (remove the card, or restart pcscd)`);
    }
    const bus = this.connector?.readerBus;
    if (!bus) throw new LabError('ERR_LAB_FAULT_INVALID', `${action} needs the lab's connector: the embedded readers are its own`);
    return bus;
  }

  /**
   * Unplugs an embedded reader as a USB reader is pulled out; returns once the connector no longer lists it. Its
   * card stays in it and is back, powered afresh, when the reader is plugged in again.
   */
  async unplugReader(readerIndex: number): Promise<LabState> {
    const reader = this.readerAt(readerIndex);
    const bus = this.readerBus('unplugging a reader');
    if (this.unplugged.has(readerIndex)) return this.state();
    await bus.unplug(readerIndex);
    this.unplugged.add(readerIndex);
    this.changed();
    this.traces.get(readerIndex)?.note('reader unplugged');
    this.log(`reader ${readerIndex}: unplugged`);
    await waitForConnectorReaders(this.endpoint(this.connector!), (readers) => !readers.some((r) => r.name === reader.name), `${reader.name} gone`);
    return this.state();
  }

  /** Plugs an unplugged embedded reader back in; returns once the connector lists it again, with its card if any. */
  async plugReader(readerIndex: number): Promise<LabState> {
    const reader = this.readerAt(readerIndex);
    const bus = this.readerBus('plugging a reader in');
    if (!this.unplugged.has(readerIndex)) return this.state();
    await bus.plug(readerIndex);
    this.unplugged.delete(readerIndex);
    this.changed();
    this.traces.get(readerIndex)?.note('reader plugged in');
    this.log(`reader ${readerIndex}: plugged in`);
    const occupant = this.occupants.get(readerIndex);
    await this.connectorSees(reader.name, occupant ? toHex(occupant.card.atr) : null);
    return this.state();
  }

  /** Restarts pcscd under the running connector (pcsc backend, local provider); resolves once its readers are back. */
  async restartPcscd(): Promise<LabState> {
    if (!this.hardware?.restartPcscd) throw new LabError('ERR_LAB_FAULT_INVALID', 'pcscd restart needs the pcsc backend on the local provider');
    await this.hardware.restartPcscd();
    this.changed();
    return this.state();
  }

  /** Puts a fault on the card in a reader (simulators/lab/faults.ts); a removal returns once the connector saw it. */
  async fault(readerIndex: number, fault: CardFault): Promise<LabState> {
    this.readerAt(readerIndex);
    await this.faults.apply(readerIndex, fault);
    this.changed();
    return this.state();
  }

  state(): LabState {
    const connector = this.connector;
    return {
      version: 1,
      backend: this.spec.backend,
      readers: this.readers.map((reader) => {
        const occupant = this.occupants.get(reader.index);
        const card = occupant ? { profile: occupant.profile, persona: occupant.persona, atr: toHex(occupant.card.atr), pin: occupant.pin } : null;
        const id = this.readerIds.get(reader.name);
        return { index: reader.index, name: reader.name, ...(id ? { id } : {}), port: reader.port, ...(this.unplugged.has(reader.index) ? { plugged: false } : {}), card };
      }),
      ...(connector
        ? {
            connector: { url: connector.url, caCert: connector.caCert, port: connector.port },
            cors: { allowedOrigins: [...new Set([...connector.allowedOrigins, ...(this.ds?.origins ?? [])])] },
          }
        : {}),
      ...(this.ds ? { ds: { url: this.ds.url, apiKey: this.ds.apiKey } } : {}),
      ...(this.tokens ? { tokens: this.tokens.state(this.listed) } : {}),
      ...(this.console ? { console: this.console.state } : {}),
      lab: {
        supervisorPid: process.pid,
        cardHost: this.cardHost,
        quickack: this.hardware?.quickack ?? false,
        ...(this.hardware ? { pcscdPid: this.hardware.pcscdPid, pcscdLog: this.files.pcscdLog } : {}),
        ...(this.spec.provider ? { provider: this.spec.provider } : {}),
        ...(this.hardware?.socket ? { pcscdSocket: this.hardware.socket } : {}),
        warnings: [...this.warnings],
      },
    };
  }

  /** Tears everything down: connector, cards, pcscd, route; releases the machine lock. */
  async stop(): Promise<void> {
    const steps: (() => Promise<void>)[] = [
      async () => this.console?.stop(),
      async () => this.connector?.stop(),
      async () => this.ds?.stop(),
      async () => this.tokens?.remove(),
      () => this.slots.removeAll(),
      async () => this.hardware?.stop(),
      async () => {
        await Promise.all([...this.traces.values()].map((trace) => trace.close()));
      },
      async () => this.lock?.release(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (e) {
        failures.push(e);
      }
    }
    this.console = null;
    this.connector = null;
    this.ds = null;
    this.tokens = null;
    this.occupants.clear();
    if (failures.length > 0) throw failures[0];
  }
}
