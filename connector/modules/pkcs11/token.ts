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
      logout(this.library.native, session);
    });
  }

  sign(request: TokenSignRequest): Promise<Buffer> {
    return this.run(async (session) => {
      const id = this.keyIdFor(session, request);
      const { native, binding } = this.library;
      login(native, session, this.slot, request.pin);
      try {
        const key = this.privateKey(session, id);
        const keyType: KeyType | null = key.keyType ?? this.certificatesOn(session).find((c) => c.id === id)?.keyType ?? null;
        if (keyType === null) throw new ConnectorError('ERR_ALGORITHM_UNSUPPORTED', { message: 'the key is neither RSA nor EC' });
        const recipe = signRecipe(keyType, request.digest, request.padding, request.input, this.mechanismsFor(MECHANISM_FLAGS.isSign));
        return await signWithKey(native, binding, session, this.slot, key, recipe, request.pin);
      } finally {
        logout(native, session);
      }
    });
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

  /**
   * The signing key, found again in every login: a library may invalidate private object handles at logout
   * (SoftHSM does), and each operation logs out. Its traits are read once.
   */
  private privateKey(session: Handle, id: string): PrivateKeyRef {
    const handle = findPrivateKeyHandle(this.library.native, session, Buffer.from(id, 'hex'));
    if (!handle) throw new ConnectorError('ERR_TOKEN_KEY_NOT_FOUND', { details: { id } });
    let traits = this.keyTraits.get(id);
    if (!traits) {
      traits = privateKeyTraits(this.library.native, session, handle);
      this.keyTraits.set(id, traits);
    }
    return { handle, ...traits };
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

  private run<T>(operation: (session: Handle) => Promise<T>): Promise<T> {
    if (this.gone) return Promise.reject(new ConnectorError('ERR_CARD_REMOVED'));
    return this.queue.run(async () => {
      if (this.gone) throw new ConnectorError('ERR_CARD_REMOVED');
      try {
        return await operation(this.openSession());
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
