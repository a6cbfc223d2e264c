import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDevOnly, packageRoot, runtimePackages } from './stage.js';

describe('production staging', () => {
  const root = packageRoot();

  it('takes the runtime dependencies from the lock file and no dev tooling', () => {
    const packages = runtimePackages(root);
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) expect(packages).toContain(`node_modules/${name}`);
    for (const name of Object.keys(manifest.devDependencies)) expect(packages).not.toContain(`node_modules/${name}`);
    expect(packages).not.toContain('node_modules/vite');
    expect(packages).toContain('node_modules/pino'); // a dependency of a dependency
  });

  it('leaves out tests, maps, type declarations and native build intermediates', () => {
    expect(isDevOnly('dist/connector/main.test.js')).toBe(true);
    expect(isDevOnly('dist/connector/main.js.map')).toBe(true);
    expect(isDevOnly('node_modules/x/index.d.ts')).toBe(true);
    expect(isDevOnly('node_modules/smartcard/build/Release/obj.target/smartcard_napi.node')).toBe(true);
    expect(isDevOnly('node_modules/smartcard/build/Release/smartcard_napi.node')).toBe(false);
    expect(isDevOnly('dist/connector/main.js')).toBe(false);
  });
});
