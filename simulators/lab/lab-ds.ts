import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TOKEN_LIFETIME_S, mintToken, startDs, type RunningDs } from '../ds/index.js';

/** The audience the lab's DS puts in its tokens and the lab's connector requires. */
export const LAB_AUDIENCE = 't1c-lab-connector';
/** The application the lab registers at its DS (the web app the suites play). */
export const LAB_APP_NAME = 't1c-lab-app';
/** The console's demo application, registered at the DS on its own origin when the console starts. */
export const LAB_DEMO_APP_NAME = 't1c-lab-demo';

/** What suites find in `<lab>/ds/admin.json` (mode 0600): the DS admin calls of docs/ds-contract.md §5. */
export interface LabDsAdmin {
  readonly url: string;
  readonly adminKey: string;
  readonly audience: string;
}

export interface LabDs {
  readonly url: string;
  /** The lab application's API key (`ds.apiKey` in the state). */
  readonly apiKey: string;
  /** Origins of the registered applications: the lab's app, and the console's demo once it runs. */
  readonly origins: readonly string[];
  /** The file holding the connector's DS credential (`ds.credentialFile` of its config). */
  readonly credentialFile: string;
  /** A fresh token of the lab application (current key), for the lab's own calls to the connector (no Origin). */
  token(): string;
  /** Registers another application (e.g. the console's demo) on `origins`; returns its API key. */
  register(name: string, origins: readonly string[]): string;
  stop(): Promise<void>;
}

export function labDsDir(labDir: string): string {
  return path.join(labDir, 'ds');
}

/**
 * The lab's Distribution Service: fresh keys and secrets per lab run, one application on `origins`, tokens
 * with `aud` and the application's origins (the lab's connector requires both). Writes the connector's
 * credential and the suites' admin file into `<lab>/ds/`; `stop()` removes them.
 */
export async function startLabDs(labDir: string, origins: readonly string[]): Promise<LabDs> {
  const ds: RunningDs = await startDs({ applications: [{ name: LAB_APP_NAME, origins }], audience: LAB_AUDIENCE, includeOrigins: true });
  const dir = labDsDir(labDir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const credentialFile = path.join(dir, 'connector-credential');
    writeFileSync(credentialFile, `${ds.connectorCredential}\n`, { mode: 0o600 });
    const admin: LabDsAdmin = { url: ds.url, adminKey: ds.adminKey, audience: LAB_AUDIENCE };
    writeFileSync(path.join(dir, 'admin.json'), `${JSON.stringify(admin, null, 2)}\n`, { mode: 0o600 });
    const app = ds.applications[0]!;
    const registered = [...origins];
    return {
      url: ds.url,
      apiKey: app.apiKey,
      origins: registered,
      credentialFile,
      token: () => mintToken(ds.keys, app, { issuer: ds.issuer, audience: LAB_AUDIENCE, includeOrigins: true, lifetimeSeconds: TOKEN_LIFETIME_S }, Date.now()),
      register(name, more) {
        const apiKey = ds.register({ name, origins: more });
        registered.push(...more.filter((o) => !registered.includes(o)));
        return apiKey;
      },
      async stop() {
        await ds.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await ds.stop();
    throw e;
  }
}
