import http from 'node:http';

/** A console (or demo) origin opened with the lab's secret: the cookie its server gave in exchange. */
export interface ConsoleSession {
  readonly origin: string;
  /** `name=value`, as a Cookie header carries it. */
  readonly cookie: string;
}

/**
 * Opens a URL the lab printed (`…/?secret=…`) as a browser does: the server answers 303 with its cookie, which is
 * then all a request needs. Fails when the server does not trade the secret for an HttpOnly, SameSite=Strict cookie.
 */
export async function openConsoleSession(url: string): Promise<ConsoleSession> {
  const res = await fetch(url, { redirect: 'manual' });
  const set = res.headers.get('set-cookie') ?? '';
  if (res.status !== 303 || !/; HttpOnly; SameSite=Strict$/.test(set)) throw new Error(`${new URL(url).origin} answered ${res.status} with cookie "${set}"`);
  return { origin: new URL(url).origin, cookie: set.split(';')[0]! };
}

/** The text of a console's event stream (`GET /api/events`) as it arrives. */
export interface EventCapture {
  text(): string;
  /** Resolves once the text so far matches `pattern`; rejects after `timeoutMs` with what did arrive. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function captureEvents(session: ConsoleSession): Promise<EventCapture> {
  let text = '';
  const waiters = new Set<() => void>();
  return new Promise((resolve, reject) => {
    const request = http.get(new URL('/api/events', session.origin), { headers: { cookie: session.cookie } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`the event stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const check of waiters) check();
      });
      res.on('error', () => undefined);
      resolve({
        text: () => text,
        waitFor: (pattern, timeoutMs = 10_000) =>
          new Promise<void>((done, fail) => {
            const check = (): void => {
              if (!pattern.test(text)) return;
              waiters.delete(check);
              clearTimeout(timer);
              done();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`the event stream did not show ${pattern} within ${timeoutMs} ms; it ends with: ${text.slice(-600)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}
