import { fromHex } from '../../../connector/protocol/index.js';
import type { DigestName } from '../engine/index.js';
import type { BeidProfile } from '../../../fixtures/personas/index.js';
import { BEID_KEY } from './apdu.js';

/** What PSO:CDS does with the DTBS under one MSE algorithm reference (cards.md §1.8). */
export type SignatureScheme =
  /** RSA PKCS#1 v1.5 of whatever came (normally a full DigestInfo), up to modulus − 11 bytes. */
  | { readonly kind: 'pkcs1-raw' }
  /** RSA PKCS#1 v1.5: the card adds the DigestInfo of this hash to the raw digest it got. */
  | { readonly kind: 'pkcs1'; readonly hash: DigestName }
  /** RSASSA-PSS with MGF1 and a salt as long as the digest. */
  | { readonly kind: 'pss'; readonly hash: DigestName }
  /** ECDSA over a digest of one of these lengths; answer r‖s. */
  | { readonly kind: 'ecdsa'; readonly lengths: readonly number[] };

/**
 * Everything that differs between applet 1.7 (RSA) and 1.8 (EC): one implementation, two data sets.
 * Values the sources leave open (chip/OS bytes of GET CARD DATA, perso versions) are synthetic but fixed.
 */
export interface BeidGeneration {
  readonly profile: BeidProfile;
  readonly atr: Buffer;
  readonly keyFamily: 'rsa' | 'ec';
  /** GET CARD DATA bytes 16..27: chip/OS/softmask bytes, applet version, OS version, interface, PKCS#1, key exchange, life cycle. */
  readonly cardDataTail: Buffer;
  /** GET CARD DATA P2=01 (31 bytes with PIN tries) exists. */
  readonly cardDataWithPinTries: boolean;
  /** TokenInfo's last 4 bytes: graphical perso, electrical perso, electrical perso interface, RFU. */
  readonly tokenInfoVersion: Buffer;
  /** Zero bytes after each certificate's DER, and the size of an absent certificate's (all-zero) file. */
  readonly certificatePadding: number;
  readonly absentCertificateSize: number;
  /** CDF: CommonCertificateAttributes carry `83 01 00` (implicitTrust FALSE). */
  readonly cdfImplicitTrust: boolean;
  /** Fixed sizes of the descriptor files (missing entries leave zeros at the end). */
  readonly cdfSize: number;
  readonly prkdfSize: number;
  readonly photoHash: 'sha256' | 'sha384';
  /** Commands a non-repudiation PSO may come after its VERIFY: 1 = the very next one (1.7), 2 = one in between (1.8). */
  readonly nonRepWindow: number;
  readonly algorithms: ReadonlyMap<number, SignatureScheme>;
  /** Key references MSE SET accepts. */
  readonly keyReferences: readonly number[];
  /** 1.8: basic key 81 (file 4040, identity tag 1A, INTERNAL AUTHENTICATE) and READ RECORD. */
  readonly basicKey: boolean;
  readonly readRecord: boolean;
}

export const BEID_1_7: BeidGeneration = {
  profile: 'beid-1.7',
  atr: fromHex('3B9813400AA503010101AD1311'),
  keyFamily: 'rsa',
  // A5 03 01 01 01 (as in the ATR's historical bytes), applet 17, OS 0003, interface 00, PKCS#1 v2.1, key exchange 01, personalised.
  cardDataTail: fromHex('A503010101 17 0003 00 21 01 0F'),
  cardDataWithPinTries: false,
  tokenInfoVersion: fromHex('02020000'),
  certificatePadding: 50,
  absentCertificateSize: 1300,
  cdfImplicitTrust: false,
  cdfSize: 163,
  prkdfSize: 119,
  photoHash: 'sha256',
  nonRepWindow: 1,
  algorithms: new Map<number, SignatureScheme>([
    [0x01, { kind: 'pkcs1-raw' }],
    [0x02, { kind: 'pkcs1', hash: 'sha1' }],
    [0x04, { kind: 'pkcs1', hash: 'md5' }],
    [0x08, { kind: 'pkcs1', hash: 'sha256' }],
    [0x10, { kind: 'pss', hash: 'sha1' }],
    [0x20, { kind: 'pss', hash: 'sha256' }],
  ]),
  keyReferences: [BEID_KEY.AUTHENTICATION, BEID_KEY.NON_REPUDIATION],
  basicKey: false,
  readRecord: false,
};

export const BEID_1_8: BeidGeneration = {
  profile: 'beid-1.8',
  atr: fromHex('3B7F960000803180 65B0850401 20120FFF829000'),
  keyFamily: 'ec',
  // B0 85 04 01 20 (synthetic), applet 18, OS 0001, interface 00, no PKCS#1, key exchange 02, personalised.
  cardDataTail: fromHex('B085040120 18 0001 00 00 02 0F'),
  cardDataWithPinTries: true,
  tokenInfoVersion: fromHex('04040100'),
  certificatePadding: 1100,
  absentCertificateSize: 2500,
  cdfImplicitTrust: true,
  cdfSize: 175,
  prkdfSize: 119,
  photoHash: 'sha384',
  nonRepWindow: 2,
  algorithms: new Map<number, SignatureScheme>([
    [0x01, { kind: 'ecdsa', lengths: [32] }], // SHA-256
    [0x02, { kind: 'ecdsa', lengths: [48] }], // SHA-384
    [0x04, { kind: 'ecdsa', lengths: [64] }], // SHA-512
    [0x08, { kind: 'ecdsa', lengths: [32] }], // SHA3-256
    [0x10, { kind: 'ecdsa', lengths: [48] }], // SHA3-384
    [0x20, { kind: 'ecdsa', lengths: [64] }], // SHA3-512
    [0x40, { kind: 'ecdsa', lengths: [20, 28, 32, 48, 64] }], // hash not specified
  ]),
  keyReferences: [BEID_KEY.BASIC, BEID_KEY.AUTHENTICATION, BEID_KEY.NON_REPUDIATION],
  basicKey: true,
  readRecord: true,
};

export const BEID_GENERATIONS: Readonly<Record<BeidProfile, BeidGeneration>> = {
  'beid-1.7': BEID_1_7,
  'beid-1.8': BEID_1_8,
};

/** INTERNAL AUTHENTICATE P1 → challenge length (the card signs the challenge as a digest). */
export const INTERNAL_AUTH_ALGORITHMS: ReadonlyMap<number, number> = new Map([
  [0x01, 32],
  [0x02, 48],
  [0x04, 64],
]);
