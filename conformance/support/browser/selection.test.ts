import { describe, expect, it } from 'vitest';
import { browserChoices, parseBrowserList } from './selection.js';

describe('browser selection', () => {
  it('reads T1C_LAB_BROWSERS, default every browser, and says which are not installed', () => {
    expect(browserChoices({}).map((c) => c.name)).toEqual(['chromium', 'firefox']);
    const [firefox] = browserChoices({ T1C_LAB_BROWSERS: 'firefox', T1C_LAB_FIREFOX: '/nonexistent/firefox-esr' });
    expect(firefox).toEqual({ name: 'firefox', executable: '/nonexistent/firefox-esr', missing: '/nonexistent/firefox-esr is not installed (Debian: apt-get install firefox-esr)' });
    expect(() => browserChoices({ T1C_LAB_BROWSERS: 'chromium,safari' })).toThrow(/unknown browser "safari"/);
  });

  it('parses a list once per name, in its order', () => {
    expect(parseBrowserList(' firefox ,CHROMIUM,firefox')).toEqual(['firefox', 'chromium']);
    expect(parseBrowserList('')).toEqual([]);
  });
});
