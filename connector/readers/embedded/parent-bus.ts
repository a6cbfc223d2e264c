import { isReaderBusRequest, type ReaderBusAnswer } from '../../protocol/index.js';
import type { EmbeddedBackend } from './backend.js';

/**
 * The embedded readers' "USB bus", driven by the process that started the connector (the lab) over Node's IPC
 * channel: it plugs and unplugs readers. Only a parent that spawned the connector with an IPC channel can reach
 * it, so it opens nothing to the network; a connector started any other way has no channel and no bus.
 */

/** What of `process` the bus uses (a test passes its own). */
export interface ParentChannel {
  send?: (message: unknown) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * Serves plug/unplug requests from the parent until the returned function is called (which also lets the channel
 * stop holding the process open); null without a channel.
 */
export function serveReaderBus(backend: EmbeddedBackend, parent: ParentChannel): (() => void) | null {
  const send = parent.send?.bind(parent);
  if (!send) return null;
  const reply = (answer: ReaderBusAnswer): void => {
    try {
      send(answer);
    } catch {
      // the parent is gone: nobody is waiting for the answer
    }
  };
  const onMessage = (message: unknown): void => {
    if (!isReaderBusRequest(message)) return;
    const work = message.op === 'unplug' ? backend.unplugReader(message.reader) : backend.plugReader(message.reader);
    work.then(
      () => reply({ t1cReaderBus: 1, id: message.id, ok: true }),
      (e: unknown) => reply({ t1cReaderBus: 1, id: message.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  };
  parent.on('message', onMessage);
  return () => parent.off('message', onMessage);
}
