import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import { ConnectorError } from '../../errors/index.js';
import type { TokenSource, TokenView } from '../../modules/pkcs11/token-source.js';
import type { AtrRegistry } from '../../modules/registry.js';
import { toHex } from '../../protocol/index.js';
import type { ReaderBackend, ReaderInfo } from '../../readers/index.js';
import { ERROR_RESPONSES, NO_QUERY, READER_PARAMS, successEnvelope, type READER } from '../schemas/index.js';

export interface ReadersOptions {
  readonly readers: ReaderBackend;
  readonly atrs: AtrRegistry;
  /** Tokens listed next to the card readers (PKCS#11), or null. */
  readonly tokens: TokenSource | null;
}

/** `CardReader` as the SDK reads it (spec §2.3); the card's modules come from the one ATR registry. */
export interface ReaderView {
  id: string;
  name: string;
  pinpad: boolean;
  card?: { atr?: string; description: string[]; modules: string[] };
}

export function readerView(info: ReaderInfo, atrs: AtrRegistry): ReaderView {
  const view: ReaderView = { id: info.id, name: info.name, pinpad: info.pinpad };
  if (info.card === null) return view;
  const match = atrs.resolve(info.card.atr);
  return { ...view, card: { atr: toHex(info.card.atr), description: match ? [match.description] : [], modules: match ? [match.module] : [] } };
}

/** A token as a reader that always holds its card: no ATR (a PKCS#11 token has none), the module that serves it. */
export function tokenReaderView(token: TokenView): ReaderView {
  return { id: token.id, name: token.name, pinpad: false, card: { description: [token.description], modules: [token.module] } };
}

/** Query forms the SDK sends (spec §2.3): `cardInserted=true|false`, `excluded=<name>` (HEAD). */
const LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cardInserted: { type: 'boolean' },
    excluded: { type: 'string', maxLength: 256 },
  },
} as const;

const LIST_RESPONSE = successEnvelope({ type: 'array', items: { $ref: 'Reader#' } } as const);
const ONE_RESPONSE = successEnvelope({ $ref: 'Reader#' } as const);

/**
 * `excluded` drops readers whose name contains the value, case-insensitively (the SDK uses it to hide
 * virtual "Hello" readers); a comma-separated value drops each name.
 */
function isExcluded(name: string, excluded: string | undefined): boolean {
  if (excluded === undefined) return false;
  const lower = name.toLowerCase();
  return excluded
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .some((e) => e !== '' && lower.includes(e));
}

export const readerRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: ReadersOptions; SerializerSchemaOptions: { references: [typeof READER] } }> = async (app, options) => {
  const { readers, atrs, tokens } = options;

  app.get('/v3/readers', { schema: { querystring: LIST_QUERY, response: { 200: LIST_RESPONSE, ...ERROR_RESPONSES } } }, async (request) => {
    const { cardInserted, excluded } = request.query;
    const data = [...readers.list().map((r) => readerView(r, atrs)), ...(tokens?.list() ?? []).map(tokenReaderView)]
      .filter((r) => cardInserted === undefined || (r.card !== undefined) === cardInserted)
      .filter((r) => !isExcluded(r.name, excluded));
    return { success: true as const, data };
  });

  app.get(
    '/v3/readers/:readerId',
    { schema: { params: READER_PARAMS, querystring: NO_QUERY, response: { 200: ONE_RESPONSE, ...ERROR_RESPONSES } } },
    async (request) => {
      const reader = readers.get(request.params.readerId);
      const token = reader ? undefined : tokens?.get(request.params.readerId);
      if (reader) return { success: true as const, data: readerView(reader, atrs) };
      if (token) return { success: true as const, data: tokenReaderView(token) };
      throw new ConnectorError('ERR_READER_NOT_FOUND');
    },
  );
};
