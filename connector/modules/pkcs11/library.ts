import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { ConnectorError } from '../../errors/index.js';
import { ckrOf, loadPkcs11Binding, type Handle, type NativeTokenInfo, type Pkcs11Binding, type Pkcs11Native } from './binding.js';
import { CKF_OS_LOCKING_OK, CKR, TOKEN_FLAGS } from './ck.js';

/** A token as the slot list shows it at one moment. */
export interface PresentToken {
  readonly slot: Handle;
  readonly info: NativeTokenInfo;
}

/**
 * One loaded, initialised PKCS#11 library (a vendor's `.so`/`.dylib`/`.dll`). Opened once and shared by every
 * token it shows; `close()` finalises and unloads it.
 */
export class Pkcs11Library {
  private closed = false;

  private constructor(
    readonly path: string,
    readonly native: Pkcs11Native,
    readonly binding: Pkcs11Binding,
    readonly description: string,
  ) {}

  /**
   * Loads and initialises the library at `path`. Anything that stops that — a relative path, no such file, not a
   * shared library, no C_GetFunctionList, C_Initialize failing — is ERR_PKCS11_LIBRARY_INVALID naming the reason;
   * a missing binding is ERR_PKCS11_UNAVAILABLE.
   */
  static async open(path: string): Promise<Pkcs11Library> {
    const invalid = (reason: string, cause?: unknown): ConnectorError =>
      new ConnectorError('ERR_PKCS11_LIBRARY_INVALID', { message: `${path.slice(0, 200)}: ${reason}`, ...(cause === undefined ? {} : { cause }) });
    if (!isAbsolute(path)) throw invalid('not an absolute path');
    try {
      if (!statSync(path).isFile()) throw invalid('not a file');
    } catch (e) {
      if (e instanceof ConnectorError) throw e;
      throw invalid('no such file', e);
    }
    let binding: Pkcs11Binding;
    try {
      binding = await loadPkcs11Binding();
    } catch (e) {
      throw new ConnectorError('ERR_PKCS11_UNAVAILABLE', { message: 'the pkcs11js binding is not installed or not built', cause: e });
    }
    const native = new binding.PKCS11();
    try {
      native.load(path);
    } catch (e) {
      throw invalid('not a loadable PKCS#11 library', e);
    }
    try {
      native.C_Initialize({ flags: CKF_OS_LOCKING_OK });
    } catch (e) {
      // Another user of this very file in the process initialised it already: finalising would pull it from under them.
      if (ckrOf(e) !== CKR.CRYPTOKI_ALREADY_INITIALIZED) native.close();
      throw invalid(ckrOf(e) === CKR.CRYPTOKI_ALREADY_INITIALIZED ? 'already initialised in this process' : 'C_Initialize failed', e);
    }
    try {
      const info = native.C_GetInfo();
      return new Pkcs11Library(path, native, binding, `${info.manufacturerID.trim()} ${info.libraryDescription.trim()} ${info.libraryVersion.major}.${info.libraryVersion.minor}`);
    } catch (e) {
      native.C_Finalize();
      native.close();
      throw invalid('C_GetInfo failed', e);
    }
  }

  /** Initialised tokens in present slots. A slot whose token can't be read (e.g. just removed) is left out. */
  presentTokens(): PresentToken[] {
    if (this.closed) return [];
    const out: PresentToken[] = [];
    for (const slot of this.native.C_GetSlotList(true)) {
      try {
        const info = this.native.C_GetTokenInfo(slot);
        if ((info.flags & TOKEN_FLAGS.isTokenInitialized) !== 0) out.push({ slot, info });
      } catch {
        // gone between the two calls, or a token the library can't read: not offered
      }
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.native.C_Finalize();
    } finally {
      this.native.close();
    }
  }
}
