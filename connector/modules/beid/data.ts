import { createHash } from 'node:crypto';
import type { CardChannel } from '../../readers/index.js';
import { expectOk, readFileAt } from '../iso/transparent-file.js';
import { BEID_FILE, getCardData, path } from './apdu.js';
import type { BeidCardType } from './card-type.js';
import { certificateDer } from './certificates.js';
import { parseAddress, parseCardData, parseIdentity, parseTokenInfo, stripTrailingZeros, type Address, type Identity } from './parse.js';
import { issuedBy, verifyRrnSignature } from './rrn-signature.js';

export interface Biometric extends Omit<Identity, 'pictureHash'> {
  readonly pictureHash: string;
  readonly rawData: string;
  readonly signature: string;
  readonly version: number;
  readonly issuer: string;
  /** The National Register's signature over the identity file verifies, and its certificate chains to the card's root. */
  readonly signatureValid: boolean;
}

export interface AddressData extends Address {
  readonly rawData: string;
  readonly signature: string;
  readonly version: number;
  readonly signatureValid: boolean;
}

export interface Picture {
  readonly picture: string;
  readonly signature: string;
  readonly width: number;
  readonly height: number;
  /** SHA of the photo equals the hash in the identity file (set by all-data, which reads both). */
  readonly pictureHashValid?: boolean;
}

interface RrnContext {
  readonly rrn: Buffer | null;
  readonly chainValid: boolean;
}

async function rrnContext(channel: CardChannel): Promise<RrnContext> {
  const rrn = await certificateDer(channel, 'encryptionCertificate');
  const root = await certificateDer(channel, 'rootCertificate');
  return { rrn, chainValid: rrn !== null && root !== null && issuedBy(rrn, root) };
}

export async function readBiometric(channel: CardChannel, rrn?: RrnContext): Promise<{ biometric: Biometric; identityFile: Buffer; identitySignature: Buffer }> {
  const identityFile = await readFileAt(channel, path(BEID_FILE.IDENTITY));
  const identitySignature = await readFileAt(channel, path(BEID_FILE.IDENTITY_SIGNATURE));
  const ctx = rrn ?? (await rrnContext(channel));
  const identity = parseIdentity(identityFile);
  const signed = [identityFile, stripTrailingZeros(identityFile)];
  const signatureValid = ctx.chainValid && ctx.rrn !== null && signed.some((data) => verifyRrnSignature(ctx.rrn!, data, identitySignature));
  return {
    identityFile,
    identitySignature,
    biometric: {
      ...identity,
      pictureHash: identity.pictureHash.toString('base64'),
      rawData: stripTrailingZeros(identityFile).toString('base64'),
      signature: stripTrailingZeros(identitySignature).toString('base64'),
      version: 0,
      issuer: identity.cardDeliveryMunicipality,
      signatureValid,
    },
  };
}

export async function readAddress(channel: CardChannel, identitySignature?: Buffer, rrn?: RrnContext): Promise<AddressData> {
  const file = await readFileAt(channel, path(BEID_FILE.ADDRESS));
  const signature = await readFileAt(channel, path(BEID_FILE.ADDRESS_SIGNATURE));
  const idSignature = identitySignature ?? (await readFileAt(channel, path(BEID_FILE.IDENTITY_SIGNATURE)));
  const ctx = rrn ?? (await rrnContext(channel));
  // The address signature covers the address without its padding, followed by the identity signature file.
  const signed = Buffer.concat([stripTrailingZeros(file), idSignature]);
  return {
    ...parseAddress(file),
    rawData: stripTrailingZeros(file).toString('base64'),
    signature: stripTrailingZeros(signature).toString('base64'),
    version: 0,
    signatureValid: ctx.chainValid && ctx.rrn !== null && verifyRrnSignature(ctx.rrn, signed, signature),
  };
}

export async function readPicture(channel: CardChannel, expectedHash?: Buffer): Promise<Picture> {
  const photo = stripTrailingZeros(await readFileAt(channel, path(BEID_FILE.PHOTO)));
  const { width, height } = jpegSize(photo);
  const base: Picture = { picture: photo.toString('base64'), signature: '', width, height };
  if (!expectedHash || expectedHash.length === 0) return base;
  const algorithm = expectedHash.length === 20 ? 'sha1' : expectedHash.length === 48 ? 'sha384' : 'sha256';
  return { ...base, pictureHashValid: createHash(algorithm).update(photo).digest().equals(expectedHash) };
}

export type AllDataPart = 'biometric' | 'address' | 'picture';
export const ALL_DATA_PARTS: readonly AllDataPart[] = ['biometric', 'address', 'picture'];

export async function readAllData(channel: CardChannel, parts: readonly AllDataPart[]): Promise<{ biometric?: Biometric; address?: AddressData; picture?: Picture }> {
  const wanted = new Set(parts.length > 0 ? parts : ALL_DATA_PARTS);
  const needIdentity = wanted.has('biometric') || wanted.has('picture') || wanted.has('address');
  const rrn = wanted.has('biometric') || wanted.has('address') ? await rrnContext(channel) : undefined;
  const id = needIdentity ? await readBiometric(channel, rrn ?? { rrn: null, chainValid: false }) : undefined;
  const out: { biometric?: Biometric; address?: AddressData; picture?: Picture } = {};
  if (wanted.has('biometric') && id) out.biometric = id.biometric;
  if (wanted.has('address')) out.address = await readAddress(channel, id?.identitySignature, rrn);
  if (wanted.has('picture')) out.picture = await readPicture(channel, id ? Buffer.from(id.biometric.pictureHash, 'base64') : undefined);
  return out;
}

export async function readTokenInfo(channel: CardChannel): Promise<{ info: Record<string, unknown>; infoType: 'Token'; module: { name: 'beid'; isHashedByToken: false } }> {
  const token = parseTokenInfo(await readFileAt(channel, path(BEID_FILE.TOKEN_INFO)));
  return {
    info: {
      rawData: token.rawData.toString('base64'),
      version: 0,
      serialNumber: token.serialNumber,
      label: token.label,
      prnGeneration: 0,
      eidCompliant: 48,
      graphicalPersoVersion: token.graphicalPersoVersion,
      versionRfu: token.versionRfu,
      electricalPersoVersion: token.electricalPersoVersion,
      electricalPersoInterfaceVersion: token.electricalPersoInterfaceVersion,
      changeCounter: 0,
      activated: true,
    },
    infoType: 'Token',
    module: { name: 'beid', isHashedByToken: false },
  };
}

export async function readVersion(channel: CardChannel, card: BeidCardType): Promise<{ version: string }> {
  const res = expectOk(await channel.transmit(getCardData()), 'GET CARD DATA');
  const version = parseCardData(res.data).appletVersion;
  return { version: /^1\.\d$/.test(version) ? version : card.generation };
}

/** Width and height from a JPEG's start-of-frame marker; zeros when the photo isn't a JPEG. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } {
  let pos = 2;
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return { width: 0, height: 0 };
  while (pos + 9 < jpeg.length) {
    if (jpeg[pos] !== 0xff) return { width: 0, height: 0 };
    const marker = jpeg[pos + 1]!;
    const length = jpeg.readUInt16BE(pos + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: jpeg.readUInt16BE(pos + 5), width: jpeg.readUInt16BE(pos + 7) };
    }
    pos += 2 + length;
  }
  return { width: 0, height: 0 };
}
