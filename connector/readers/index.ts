import { ConnectorError } from '../errors/index.js';
import { EmbeddedBackend, type EmbeddedReaderConfig } from './embedded/backend.js';
import { PcscBackend } from './pcsc/backend.js';
import { DEFAULT_BOUNDS, type ApduTracer, type SessionBounds } from './raw-card.js';
import type { ReaderBackend } from './types.js';

export type ReaderConfig = { readonly backend: 'pcsc' } | ({ readonly backend: 'embedded' } & EmbeddedReaderConfig);

/** Creates (without starting) the reader backend a configuration names. */
export function createReaderBackend(config: ReaderConfig, bounds: Partial<SessionBounds> = {}, trace?: ApduTracer): ReaderBackend {
  const b: SessionBounds = { ...DEFAULT_BOUNDS, ...bounds };
  switch (config.backend) {
    case 'pcsc':
      return new PcscBackend(b, trace);
    case 'embedded':
      return new EmbeddedBackend(config, b, trace);
    default:
      throw new ConnectorError('ERR_INPUT_INVALID', { message: 'unknown reader backend' });
  }
}

export * from './types.js';
export { readerId } from './ids.js';
export { DEFAULT_BOUNDS, type ApduTraceEvent, type ApduTracer, type SessionBounds } from './raw-card.js';
export { EmbeddedBackend, embeddedReaderName, type EmbeddedReaderConfig } from './embedded/backend.js';
export { PcscBackend } from './pcsc/backend.js';
export { serveReaderBus, type ParentChannel } from './embedded/parent-bus.js';
