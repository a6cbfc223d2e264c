import { ConnectorError } from '../../errors/index.js';
import { readerId } from '../../readers/ids.js';
import { SessionQueue } from '../../readers/session-queue.js';
import type { DigestAlgorithm } from '../crypto/digests.js';
import type { Handle, NativeTokenInfo } from './binding.js';
import { ckrOf } from './binding.js';
import { describeTokenCertificates, type TokenCertificate } from './certificates.js';
import { CKF_SESSION, CKR, MECHANISM_FLAGS } from './ck.js';
import { fromPkcs11, isTokenGone } from './errors.js';
import type { Pkcs11Library, PresentToken } from './library.js';
import { signRecipe, supportedAlgorithms, type KeyType, type Padding, type SignInput } from './mechanisms.js';
import { findPrivateKeyHandle, privateKeyTraits, readCertificates, type PrivateKeyRef } from './objects.js';
import { login, logout, signWithKey } from './signing.js';
import { verifyOnToken } from './verifying.js';
import { pkcs11TokenInfo, type MechanismEntry, type Pkcs11TokenInfo } from './token-info.js';
import type { TokenView } from './token-source.js';

export const PKCS11_MODULE = 'pkcs11';

export interface TokenValidateRequest {
  readonly keyId: string | undefined;
  readonly role: 'authentication' | 'nonRepudiation';
  readonly digest: DigestAlgorithm;
  readonly padding: Padding;
  readonly hash: Buffer;
  readonly signature: Buffer;
}

export interface TokenSignRequest {
  /** CKA_ID (hex) of the key; without it, the key of the first certificate with `role`. */
  readonly keyId: string | undefined;
  readonly role: 'authentication' | 'nonRepudiation';
  readonly digest: DigestAlgorithm;
  readonly padding: Padding;
  readonly input: SignInput;
  readonly pin: Buffer;
  /**
   * Bulk signing: the caller (Origin, JWT subject) the token may stay logged in for after this signature, so its
   * next bulk signature skips C_Login. Any operation of anyone else logs out first. A key that needs the PIN for
   * every signature (CKA_ALWAYS_AUTHENTICATE) still gets it each time.
   */
  readonly keepLoginFor?: string;
  /** The PIN came from the bulk store, not with this request: a login kept for `keepLoginFor` may serve it. */
  readonly reuseLogin?: boolean;
}

/** The id a token keeps across restarts and re-insertion: its label and serial number (connector/readers/ids.ts). */
export function tokenId(info: Pick<NativeTokenInfo, 'label' | 'serialNumber'>): string {
  return readerId(`pkcs11\u0000${info.label.trim()}\u0000${info.serialNumber.trim()}`);
}

/**
 * One token of a loaded library. Its operations run one at a time in arrival order (login state is per token,
 * so an operation holds the token from C_Login to C_Logout and no other caller's request runs in between). One
 * session is opened on first use and reused; a failed operation closes it (nothing it did survives) and the next
 * opens a fresh one. What doesn't change while the token is present is read once: certificates, mechanisms, key
 * handles.
 */
export class Pkcs11Token {
  readonly id: string;
  readonly view: TokenView;
  private slot: Handle;
  private session: Handle | null = null;
  /** The bulk caller the session is still logged in for, or null (logged out). */
  private loggedInFor: string | null = null;
  /** Private key handles of the current login: a library may invalidate them at logout (SoftHSM does). */
  private readonly loginKeys = new Map<string, Handle>();
  private gone = false;
  private certificateCache: TokenCertificate[] | null = null;
  private mechanismCache: MechanismEntry[] | null = null;
  private readonly purposeMechanisms = new Map<number, Set<number>>();
  private readonly keyTraits = new Map<string, Omit<PrivateKeyRef, 'handle'>>();
  private readonly queue: SessionQueue;

  constructor(
    private readonly library: Pkcs11Library,
    present: PresentToken,
    queueLimit: number,
  ) {
    this.slot = present.slot;
    this.id = tokenId(present.info);
    const { label, serialNumber, manufacturerID, model } = present.info;
    this.view = {
      id: this.id,
      name: `${label.trim()} (${model.trim()} ${serialNumber.trim()})`,
      module: PKCS11_MODULE,
      description: `PKCS#11 token: ${manufacturerID.trim()} ${model.trim()}`,
    };
    this.queue = new SessionQueue(queueLimit);
  }

  /** The token is now seen in another slot (re-inserted elsewhere): the old session is of no use. */
  moveTo(slot: Handle): void {
    if (slot.equals(this.slot)) return;
    void this.queue.run(async () => this.closeSession()).catch(() => undefined);
    this.slot = slot;
  }

  /** The token left: queued operations fail with ERR_CARD_REMOVED, the session is closed. */
  async close(): Promise<void> {
    this.gone = true;
    await this.queue.run(async () => this.closeSession()).catch(() => undefined);
  }

  info(): Promise<Pkcs11TokenInfo> {
    return this.run(async () => pkcs11TokenInfo(this.slot, this.library.native.C_GetTokenInfo(this.slot), this.mechanisms(), this.library.binding.mechanismNames));
  }

  certificates(): Promise<TokenCertificate[]> {
    return this.run(async (session) => this.certificatesOn(session));
  }

  /** Algorithm names for the key types of the token's certificates, from its real mechanism list. */
  algorithms(): Promise<string[]> {
    return this.run(async (session) => {
      const keyTypes = new Set(this.certificatesOn(session).flatMap((c) => (c.keyType && (c.role === 'authentication' || c.role === 'nonRepudiation') ? [c.keyType] : [])));
      return supportedAlgorithms(keyTypes, this.mechanismsFor(MECHANISM_FLAGS.isSign));
    });
  }

  verifyPin(pin: Buffer): Promise<void> {
    return this.run(async (session) => {
      login(this.library.native, session, this.slot, pin);
      this.logout(session);
    });
  }

  sign(request: TokenSignRequest): Promise<Buffer> {
    const keep = request.keepLoginFor ?? null;
    return this.run(async (session) => {
      const id = this.keyIdFor(session, request);
      const { native, binding } = this.library;
      if (keep === null || request.reuseLogin !== true || this.loggedInFor !== keep) {
        if (this.loggedInFor !== null) this.logout(session); // a fresh login: the kept one and its handles end here
        login(native, session, this.slot, request.pin);
        this.loggedInFor = keep;
      }
      try {
        const key = this.privateKey(session, id);
        const keyType: KeyType | null = key.keyType ?? this.certificatesOn(session).find((c) => c.id === id)?.keyType ?? null;
        if (keyType === null) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'the key is neither RSA nor EC' });
        const recipe = signRecipe(keyType, request.digest, request.padding, request.input, this.mechanismsFor(MECHANISM_FLAGS.isSign));
        return await signWithKey(native, binding, session, this.slot, key, recipe, request.pin);
      } finally {
        if (keep === null) this.logout(session);
      }
    }, keep);
  }

  /** `validate`: the token checks the signature with the key's public half (C_Verify); false when it doesn't match. */
  validate(request: TokenValidateRequest): Promise<boolean> {
    return this.run(async (session) => {
      const id = this.keyIdFor(session, request);
      const certificate = this.certificatesOn(session).find((c) => c.id === id) ?? null;
      if (!certificate?.keyType) throw new ConnectorError('ERR_CERTIFICATE_NOT_FOUND', { details: { id } });
      const recipe = signRecipe(certificate.keyType, request.digest, request.padding, { kind: 'digest', hash: request.hash }, this.mechanismsFor(MECHANISM_FLAGS.isVerify));
      return verifyOnToken(this.library.native, this.library.binding, session, Buffer.from(id, 'hex'), certificate.der, recipe, request.signature);
    });
  }

  private keyIdFor(session: Handle, request: Pick<TokenSignRequest, 'keyId' | 'role'>): string {
    if (request.keyId !== undefined) {
      if (!/^([0-9a-fA-F]{2}){1,64}$/.test(request.keyId)) throw new ConnectorError('ERR_INPUT_INVALID', { message: 'id is the hex CKA_ID of a key' });
      return request.keyId.toLowerCase();
    }
    const certificate = this.certificatesOn(session).find((c) => c.role === request.role);
    if (!certificate) throw new ConnectorError('ERR_TOKEN_KEY_NOT_FOUND', { details: { role: request.role } });
    return certificate.id;
  }

  /** The signing key of the current login (found once per login: a library may invalidate handles at logout). */
  private privateKey(session: Handle, id: string): PrivateKeyRef {
    let handle = this.loginKeys.get(id) ?? null;
    if (handle === null) {
      handle = findPrivateKeyHandle(this.library.native, session, Buffer.from(id, 'hex'));
      if (!handle) throw new ConnectorError('ERR_TOKEN_KEY_NOT_FOUND', { details: { id } });
      this.loginKeys.set(id, handle);
    }
    let traits = this.keyTraits.get(id);
    if (!traits) {
      traits = privateKeyTraits(this.library.native, session, handle);
      this.keyTraits.set(id, traits);
    }
    return { handle, ...traits };
  }

  private logout(session: Handle): void {
    logout(this.library.native, session);
    this.loggedInFor = null;
    this.loginKeys.clear();
  }

  private certificatesOn(session: Handle): TokenCertificate[] {
    this.certificateCache ??= describeTokenCertificates(readCertificates(this.library.native, session));
    return this.certificateCache;
  }

  private mechanisms(): MechanismEntry[] {
    const native = this.library.native;
    this.mechanismCache ??= native.C_GetMechanismList(this.slot).map((type) => ({ type, info: native.C_GetMechanismInfo(this.slot, type) }));
    return this.mechanismCache;
  }

  /** The token's mechanisms that have a flag (CKF_SIGN, CKF_VERIFY). */
  private mechanismsFor(flag: number): Set<number> {
    let set = this.purposeMechanisms.get(flag);
    if (!set) {
      set = new Set(this.mechanisms().filter((m) => (m.info.flags & flag) !== 0).map((m) => m.type));
      this.purposeMechanisms.set(flag, set);
    }
    return set;
  }

  /**
   * Runs `operation` on the token's queue. A session still logged in for a bulk caller is logged out first unless
   * the operation is that caller's (`bulkCaller`): a login never serves anyone else.
   */
  private run<T>(operation: (session: Handle) => Promise<T>, bulkCaller: string | null = null): Promise<T> {
    if (this.gone) return Promise.reject(new ConnectorError('ERR_CARD_REMOVED'));
    return this.queue.run(async () => {
      if (this.gone) throw new ConnectorError('ERR_CARD_REMOVED');
      try {
        const session = this.openSession();
        if (this.loggedInFor !== null && this.loggedInFor !== bulkCaller) this.logout(session);
        return await operation(session);
      } catch (e) {
        this.closeSession();
        const ckr = ckrOf(e);
        if (ckr === CKR.KEY_HANDLE_INVALID || ckr === CKR.OBJECT_HANDLE_INVALID || isTokenGone(e)) this.forgetObjects();
        throw fromPkcs11(e);
      }
    });
  }

  private openSession(): Handle {
    this.session ??= this.library.native.C_OpenSession(this.slot, CKF_SESSION.SERIAL);
    return this.session;
  }

  /** Closing the last session also logs the application out of the token (PKCS#11 §5.6). */
  private closeSession(): void {
    this.loggedInFor = null;
    this.loginKeys.clear();
    if (this.session === null) return;
    const session = this.session;
    this.session = null;
    try {
      this.library.native.C_CloseSession(session);
    } catch {
      // already invalid: the token went away
    }
  }

  private forgetObjects(): void {
    this.keyTraits.clear();
    this.certificateCache = null;
  }
}
