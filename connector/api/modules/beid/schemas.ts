import { SDK_FIELDS } from '../../schemas/index.js';

/** Response and body schemas of the BeID routes (spec §4.3, §6–§8). Response schemas are the guard against leaks. */
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const int = { type: 'integer' } as const;

export const BIOMETRIC = {
  type: 'object',
  additionalProperties: false,
  properties: {
    birthDate: str, birthDateIso: str, birthLocation: str, cardDeliveryMunicipality: str, cardNumber: str,
    cardValidityDateBegin: str, cardValidityDateEnd: str, chipNumber: str, documentType: str, firstNames: str,
    name: str, nationalNumber: str, nationality: str, nobleCondition: str, pictureHash: str, rawData: str, sex: str,
    signature: str, specialStatus: str, thirdName: str, version: int, issuer: str, duplicate: str, signatureValid: bool,
  },
} as const;

export const ADDRESS = {
  type: 'object',
  additionalProperties: false,
  properties: { municipality: str, rawData: str, signature: str, streetAndNumber: str, version: int, zipcode: str, signatureValid: bool },
} as const;

export const PICTURE = {
  type: 'object',
  additionalProperties: false,
  properties: { picture: str, signature: str, width: int, height: int, pictureHashValid: bool },
} as const;

export const ALL_DATA = {
  type: 'object',
  additionalProperties: false,
  properties: { biometric: BIOMETRIC, address: ADDRESS, picture: PICTURE },
} as const;

export const CERTIFICATE = {
  type: 'object',
  additionalProperties: false,
  properties: { certificate: str, certificateType: str, id: str, subject: str, issuer: str, serialNumber: str, hashSubPubKey: str, hashIssPubKey: str },
} as const;

export const CERTIFICATES = {
  type: 'object',
  additionalProperties: false,
  required: ['certificates'],
  properties: { certificates: { type: 'array', minItems: 1, items: CERTIFICATE } },
} as const;

export const CERT_LIST = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rootCertificate: CERTIFICATES,
    intermediateCertificates: CERTIFICATES,
    authenticationCertificate: CERTIFICATES,
    nonRepudiationCertificate: CERTIFICATES,
    encryptionCertificate: CERTIFICATES,
  },
} as const;

export const TOKEN_INFO = {
  type: 'object',
  additionalProperties: false,
  properties: {
    info: {
      type: 'object',
      additionalProperties: false,
      properties: {
        rawData: str, version: int, serialNumber: str, label: str, prnGeneration: int, eidCompliant: int,
        graphicalPersoVersion: int, versionRfu: int, electricalPersoVersion: int, electricalPersoInterfaceVersion: int,
        changeCounter: int, activated: bool,
      },
    },
    infoType: str,
    module: { type: 'object', additionalProperties: false, properties: { name: str, isHashedByToken: bool } },
  },
} as const;

export const VERSION = { type: 'object', additionalProperties: false, properties: { version: str } } as const;
export const ALGORITHMS = { type: 'object', additionalProperties: false, properties: { ref: { type: 'array', items: str } } } as const;
export const VERIFIED = { type: 'object', additionalProperties: false, required: ['verified'], properties: { verified: bool } } as const;
export const SIGNATURE = { type: 'object', additionalProperties: false, required: ['data'], properties: { data: str } } as const;

export const VERIFY_PIN_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: { pin: SDK_FIELDS.pin, osDialog: SDK_FIELDS.osDialog, pace: SDK_FIELDS.pace, timeout: SDK_FIELDS.timeout, base64Encoded: SDK_FIELDS.base64Encoded },
} as const;

/** TokenAuthenticateOrSignData (spec §4.3), plus our `padding` extension (CONTRACTS.md). */
export const SIGN_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['algorithm', 'data'],
  properties: {
    algorithm: SDK_FIELDS.algorithm,
    data: SDK_FIELDS.data,
    pin: SDK_FIELDS.pin,
    pace: SDK_FIELDS.pace,
    id: SDK_FIELDS.id,
    osDialog: SDK_FIELDS.osDialog,
    txId: SDK_FIELDS.txId,
    language: SDK_FIELDS.language,
    base64Encoded: SDK_FIELDS.base64Encoded,
    timeout: SDK_FIELDS.timeout,
    padding: { type: 'string', enum: ['pkcs1', 'pss'] },
  },
} as const;

export const BULK_QUERY = { type: 'object', additionalProperties: false, properties: { bulk: bool } } as const;
