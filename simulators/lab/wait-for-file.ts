import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits until a file the lab writes as things happen (an APDU trace, pcscd's redacted log) shows what `ready`
 * looks for; rejects after `timeoutMs`. Such files are written asynchronously, after the event itself.
 */
export async function waitForFileText(file: string, ready: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // not written yet
    }
    if (ready(text)) return text;
    if (performance.now() > until) throw new Error(`${file} did not show what was waited for within ${timeoutMs} ms`);
    await delay(20);
  }
}
