export { Pkcs11Service, DEFAULT_POLL_INTERVAL_MS, type Pkcs11ServiceOptions, type Pkcs11ServiceEvents } from './service.js';
export { Pkcs11Token, PKCS11_MODULE, tokenId, type TokenSignRequest } from './token.js';
export { Pkcs11Library } from './library.js';
export { LIBRARY_OSES, currentOs, type LibraryOs, type LibraryPaths } from './config-store.js';
export { TOKEN_CERTIFICATE_NAMES, certificateList, certificatesNamed, type TokenCertificate, type TokenCertificateName } from './certificates.js';
export { signRecipe, supportedAlgorithms, type KeyType, type Padding, type SignInput } from './mechanisms.js';
export type { Pkcs11TokenInfo } from './token-info.js';
export type { TokenSource, TokenView } from './token-source.js';
