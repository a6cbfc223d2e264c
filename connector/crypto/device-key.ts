import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createPkcs1Decryptor, type Pkcs1Decryptor } from './rsa-pkcs1-decrypt.js';

const generate = promisify(generateKeyPair);

export const DEVICE_KEY_FILE = 'device-key.pem';
const MODULUS_BITS = 2048;

/**
 * The installation's RSA-2048 key. The SDK fetches the public half from `/device-key` and encrypts PINs to it
 * (JSEncrypt, PKCS#1 v1.5); the private half stays in the data directory, readable by the owner only.
 * This protects nothing against the local machine: it is SDK compatibility (lab-recipe.md).
 */
export class DeviceKey {
  /** Bare base64 of the SubjectPublicKeyInfo DER: what `/device-key` returns and JSEncrypt.setKey accepts. */
  readonly publicKeyBase64: string;
  /** Stable installation id: the first 16 hex digits of SHA-256 over the public key. */
  readonly uid: string;
  private readonly decryptor: Pkcs1Decryptor;

  constructor(privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'rsa' || privateKey.asymmetricKeyDetails?.modulusLength !== MODULUS_BITS) {
      throw new Error(`the device key must be RSA-${MODULUS_BITS}`);
    }
    const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    this.publicKeyBase64 = spki.toString('base64');
    this.uid = createHash('sha256').update(spki).digest('hex').slice(0, 16).toUpperCase();
    this.decryptor = createPkcs1Decryptor(privateKey);
  }

  get modulusBytes(): number {
    return this.decryptor.modulusBytes;
  }

  /** PKCS#1 v1.5 with implicit rejection: a bad ciphertext yields a pseudo-random message, never an error. */
  decrypt(ciphertext: Buffer): Buffer {
    return this.decryptor.decrypt(ciphertext);
  }

  /** A fresh key that lives in memory only (tests). */
  static async generate(): Promise<DeviceKey> {
    const { privateKey } = await generate('rsa', { modulusLength: MODULUS_BITS });
    return new DeviceKey(privateKey);
  }

  /** Loads `device-key.pem` from the data directory, or creates it (mode 0600) on first start. */
  static async loadOrCreate(dataDir: string): Promise<DeviceKey> {
    const path = join(dataDir, DEVICE_KEY_FILE);
    let pem: string | undefined;
    try {
      pem = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (pem !== undefined) {
      await chmod(path, 0o600);
      return new DeviceKey(createPrivateKey(pem));
    }
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const { privateKey } = await generate('rsa', { modulusLength: MODULUS_BITS });
    // 'wx': never overwrite a key another process wrote meanwhile; its owner-only mode is set at creation.
    await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return new DeviceKey(privateKey);
  }
}
