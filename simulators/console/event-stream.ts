import type { ServerResponse } from 'node:http';

/** A page that reads slower than the lab talks is cut off past this much unsent data, rather than held in memory. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-Sent Events to every open console page: `event: NAME` and one JSON `data:` line per message. Keep-alive
 * comments stop proxies and browsers from timing an idle stream out.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly keepAlive: NodeJS.Timeout;

  constructor() {
    this.keepAlive = setInterval(() => {
      for (const client of this.clients) this.write(client, ': keep-alive\n\n');
    }, KEEP_ALIVE_MS).unref();
  }

  /** Takes over a response: writes the headers and the first messages, then streams until the page goes. */
  open(response: ServerResponse, headers: Readonly<Record<string, string>>, first: readonly { readonly event: string; readonly data: unknown }[]): void {
    response.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    this.clients.add(response);
    response.on('close', () => this.clients.delete(response));
    for (const message of first) this.write(response, frame(message.event, message.data));
  }

  send(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = frame(event, data);
    for (const client of this.clients) this.write(client, text);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private write(client: ServerResponse, text: string): void {
    if (client.writableLength > MAX_BUFFERED) {
      this.clients.delete(client);
      client.destroy();
      return;
    }
    client.write(text);
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
