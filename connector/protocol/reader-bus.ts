/**
 * The embedded readers' bus messages: the process that started a connector with an IPC channel (the lab) plugs
 * and unplugs its embedded readers with them (connector/readers/embedded/parent-bus.ts serves them).
 */
export interface ReaderBusRequest {
  readonly t1cReaderBus: 1;
  readonly id: number;
  readonly op: 'plug' | 'unplug';
  /** The reader's index in the configured embedded ports. */
  readonly reader: number;
}

export interface ReaderBusAnswer {
  readonly t1cReaderBus: 1;
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
}

function isBusMessage(message: unknown): message is Record<string, unknown> {
  return typeof message === 'object' && message !== null && (message as Record<string, unknown>)['t1cReaderBus'] === 1 && Number.isInteger((message as Record<string, unknown>)['id']);
}

export function isReaderBusRequest(message: unknown): message is ReaderBusRequest {
  return isBusMessage(message) && (message['op'] === 'plug' || message['op'] === 'unplug') && Number.isInteger(message['reader']);
}

export function isReaderBusAnswer(message: unknown): message is ReaderBusAnswer {
  return isBusMessage(message) && typeof message['ok'] === 'boolean';
}
