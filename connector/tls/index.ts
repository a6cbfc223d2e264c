export { LOOPBACK_DNS_NAMES, LOOPBACK_IPS, NAME_CONSTRAINTS_OID, loopbackNameConstraints } from './names.js';
export { LEAF_VALIDITY_DAYS, createLocalCa, issueServerCertificate, mintTlsMaterial, type LocalCa, type TlsMaterial } from './mint.js';
export { RENEW_BEFORE_DAYS, isReusable, loadOrMintTls, tlsPaths, type TlsFiles } from './store.js';
