import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * An OpenSC configuration for lab processes (opensc.conf(5), OpenSC 0.23; the PKCS#11 options sit in a `pkcs11`
 * block of the app, not under `framework`): no file
 * cache (a fresh card with a known serial must be read, not remembered), and room for a token on every lab
 * reader — OpenSC's default of 16 virtual slots at 4 per card leaves readers past the fourth without any.
 * Written into `dir`; returns the path to put in OPENSC_CONF.
 */
export function writeLabOpenScConf(dir: string): string {
  const file = path.join(dir, 'opensc.conf');
  writeFileSync(file, 'app default {\n  framework pkcs15 {\n    use_file_caching = no;\n  }\n  pkcs11 {\n    max_virtual_slots = 64;\n  }\n}\n', { mode: 0o600 });
  return file;
}
