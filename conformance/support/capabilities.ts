import { it, type TestFunction } from 'vitest';
import { hasCapability } from '../../fixtures/cards/index.js';

/**
 * `it` for tests a card type must pass only when its profile lists the capability (fixtures/cards): otherwise the
 * test is reported as skipped, with the reason in its title, so certification shows why it did not run.
 */
export function itIfCapable(profile: string, capabilities: string | readonly string[]) {
  const needed = typeof capabilities === 'string' ? [capabilities] : capabilities;
  const missing = needed.filter((c) => !hasCapability(profile, c));
  return (title: string, fn: TestFunction, timeout?: number): void => {
    if (missing.length === 0) it(title, fn, timeout);
    else it.skip(`${title} (skipped: ${profile} does not support ${missing.join(', ')})`, fn);
  };
}
