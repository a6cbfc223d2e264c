import { provisionSoftHsm, removeSoftHsmDir, softHsmInstalled, type ProvisionedHsm } from '../hsm/index.js';
import type { ConnectorReader } from './connector-readers.js';
import { LabError } from './lab-error.js';

/** What the connector is told to load for the lab's tokens, and the environment that points SoftHSM at them. */
export interface LabTokenLibrary {
  readonly module: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The lab's SoftHSM tokens: provisioned per lab run in their own directory, removed with the lab. */
export class LabTokens {
  private constructor(private readonly hsm: ProvisionedHsm) {}

  /**
   * A fresh SoftHSM in `dir` with the lab's tokens (simulators/hsm/plan.ts). Without SoftHSM or the pkcs11js
   * binding the lab runs without tokens (null, with the reason given to `warn`) — unless strict, where that fails.
   */
  static async provision(dir: string, strict: boolean, warn: (line: string) => void): Promise<LabTokens | null> {
    const without = (reason: string): null => {
      if (strict) throw new LabError('ERR_LAB_TOKENS', `${reason} (T1C_LAB_STRICT=1: the lab must have its PKCS#11 tokens)`);
      warn(`${reason}; the lab runs without PKCS#11 tokens`);
      return null;
    };
    if (!softHsmInstalled()) return without('SoftHSM2 is not installed (package softhsm2)');
    try {
      return new LabTokens(await provisionSoftHsm(dir));
    } catch (e) {
      removeSoftHsmDir(dir);
      return without(`SoftHSM tokens could not be provisioned: ${(e as Error).message}`);
    }
  }

  get library(): LabTokenLibrary {
    return { module: this.hsm.module, env: this.hsm.env };
  }

  /** Token names the connector lists: `<label> (<model> <serial>)` (connector/modules/pkcs11/token.ts). */
  listedIn(readers: readonly ConnectorReader[]): boolean {
    return this.hsm.tokens.every((token) => readers.some((r) => isToken(r, token.label, token.serialNumber)));
  }

  /** `state.tokens`: each token's label, user PIN and library, and its reader id once the connector lists it. */
  state(readers: readonly ConnectorReader[]): { label: string; pin: string; module: string; id?: string }[] {
    return this.hsm.tokens.map((token) => {
      const id = readers.find((r) => isToken(r, token.label, token.serialNumber))?.id;
      return { label: token.label, pin: token.pin, module: this.hsm.module, ...(id ? { id } : {}) };
    });
  }

  remove(): void {
    removeSoftHsmDir(this.hsm.dir);
  }
}

function isToken(reader: ConnectorReader, label: string, serialNumber: string): boolean {
  return reader.name.startsWith(`${label} (`) && reader.name.endsWith(` ${serialNumber})`);
}
