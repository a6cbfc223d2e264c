import type { PKCS11 } from 'pkcs11js';
import { issueTokenCertificate, subjectDer } from './certificates.js';
import { generateKeyPair, type Pkcs11js } from './keys.js';
import { LAB_TOKENS, TOKEN_KEYS, type HsmKeyRole, type HsmTokenPlan } from './plan.js';
import { SOFTHSM_CONF_ENV, SOFTHSM_MODULE, createSoftHsmDir, initToken, type SoftHsmDir } from './softhsm.js';

export interface ProvisionedKey {
  readonly role: HsmKeyRole;
  /** CKA_ID, hex. */
  readonly id: string;
  /** DER, issued by the test PKI's citizen CA. */
  readonly certificate: Buffer;
}

export interface ProvisionedToken extends HsmTokenPlan {
  readonly serialNumber: string;
  readonly keys: readonly ProvisionedKey[];
}

export interface ProvisionedHsm extends SoftHsmDir {
  /** The PKCS#11 library path to load the tokens with. */
  readonly module: string;
  readonly tokens: readonly ProvisionedToken[];
}

let binding: Promise<Pkcs11js> | null = null;

/** pkcs11js, loaded on first use (an optional dependency: without it the lab runs without tokens). */
export function loadPkcs11js(): Promise<Pkcs11js> {
  binding ??= import('pkcs11js').then((m) => ((m as { default?: Pkcs11js }).default ?? m) as Pkcs11js);
  return binding;
}

/**
 * C_Initialize with SOFTHSM2_CONF pointing at `confPath` (or as it is, when null). SoftHSM reads the variable once,
 * in C_Initialize, so it is set only around that call.
 */
export function initializeWithConf(native: PKCS11, confPath: string | null): void {
  const previous = process.env[SOFTHSM_CONF_ENV];
  if (confPath !== null) process.env[SOFTHSM_CONF_ENV] = confPath;
  try {
    native.C_Initialize();
  } finally {
    if (previous === undefined) delete process.env[SOFTHSM_CONF_ENV];
    else process.env[SOFTHSM_CONF_ENV] = previous;
  }
}

/**
 * Runs `use` with SoftHSM initialised on this directory's config. SoftHSM reads SOFTHSM2_CONF once, in
 * C_Initialize, so the variable is set only around that call; the library is finalised and unloaded afterwards.
 */
async function withSoftHsm<T>(p: Pkcs11js, hsm: SoftHsmDir, use: (native: PKCS11) => Promise<T>): Promise<T> {
  const native = new p.PKCS11();
  native.load(SOFTHSM_MODULE);
  initializeWithConf(native, hsm.confPath);
  try {
    return await use(native);
  } finally {
    native.C_Finalize();
    native.close();
  }
}

/** The slot of the token with this label: SoftHSM moves an initialised token to a pseudo-random slot id. */
export function slotByLabel(native: PKCS11, label: string): Buffer {
  const slot = native.C_GetSlotList(true).find((s) => native.C_GetTokenInfo(s).label.trim() === label);
  if (!slot) throw new Error(`no token labelled "${label}"`);
  return slot;
}

async function provisionKeys(p: Pkcs11js, native: PKCS11, plan: HsmTokenPlan): Promise<ProvisionedToken> {
  const slot = slotByLabel(native, plan.label);
  const session = native.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
  try {
    native.C_Login(session, p.CKU_USER, plan.pin);
    const keys: ProvisionedKey[] = [];
    for (const key of TOKEN_KEYS) {
      const publicKey = generateKeyPair(p, native, session, plan.algorithm, key);
      const certificate = await issueTokenCertificate(publicKey, plan.algorithm, plan.label, key.role);
      native.C_CreateObject(session, [
        { type: p.CKA_CLASS, value: p.CKO_CERTIFICATE },
        { type: p.CKA_CERTIFICATE_TYPE, value: p.CKC_X_509 },
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_PRIVATE, value: false },
        { type: p.CKA_ID, value: Buffer.from(key.id, 'hex') },
        { type: p.CKA_LABEL, value: key.label },
        { type: p.CKA_SUBJECT, value: subjectDer(certificate) },
        { type: p.CKA_VALUE, value: certificate },
      ]);
      keys.push({ role: key.role, id: key.id, certificate });
    }
    native.C_Logout(session);
    return { ...plan, serialNumber: native.C_GetTokenInfo(slot).serialNumber.trim(), keys };
  } finally {
    native.C_CloseSession(session);
  }
}

/**
 * A fresh SoftHSM in `dir` (what was there is removed) with the lab's tokens: each initialised with its label,
 * user and SO PIN (`softhsm2-util`), then given its key pairs and certificates through PKCS#11 (pkcs11js).
 */
export async function provisionSoftHsm(dir: string, plans: readonly HsmTokenPlan[] = LAB_TOKENS): Promise<ProvisionedHsm> {
  const p = await loadPkcs11js();
  const hsm = createSoftHsmDir(dir);
  for (const plan of plans) await initToken(hsm, plan);
  const tokens = await withSoftHsm(p, hsm, async (native) => {
    const out: ProvisionedToken[] = [];
    for (const plan of plans) out.push(await provisionKeys(p, native, plan));
    return out;
  });
  return { ...hsm, module: SOFTHSM_MODULE, tokens };
}
