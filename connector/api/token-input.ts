import { ConnectorError } from '../errors/index.js';
import type { Caller } from './request-context.js';

/**
 * Input handling shared by token modules' routes: the filter forms the SDK sends, PIN entry modes we don't
 * serve yet, and the caller key bulk signing is kept under.
 */
export type FilterQuery = Readonly<Record<string, unknown>>;

/** `filter=a,b`, `?0=a&1=b` and `filters[]=a&filters[]=b` all name the same list; names outside `known` are refused. */
export function filterList<T extends string>(query: FilterQuery, known: readonly T[]): T[] {
  const names: string[] = [];
  const { filter } = query;
  if (typeof filter === 'string') names.push(...filter.split(','));
  const array = query['filters[]'];
  if (Array.isArray(array)) names.push(...array.filter((v): v is string => typeof v === 'string'));
  for (const [key, value] of Object.entries(query)) if (/^[0-9]{1,2}$/.test(key) && typeof value === 'string') names.push(value);
  const out: T[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(known as readonly string[]).includes(name)) throw new ConnectorError('ERR_INPUT_INVALID', { message: `unknown filter "${name.slice(0, 40)}"` });
    if (!out.includes(name as T)) out.push(name as T);
  }
  return out;
}

/** PIN entry in an OS dialog or on the reader's PIN pad is not built yet: say so clearly. */
export function refuseUnsupportedPinEntry(body: { readonly osDialog?: boolean }, pinpad: boolean): void {
  if (body.osDialog === true) throw new ConnectorError('ERR_OS_DIALOG_UNSUPPORTED');
  if (pinpad) throw new ConnectorError('ERR_PINPAD_UNSUPPORTED');
}

/** Bulk PINs are kept per caller: the pair (Origin, JWT subject). */
export function callerKey(caller: Caller): string {
  return `${caller.origin ?? ''}\u0001${caller.subject ?? ''}`;
}
