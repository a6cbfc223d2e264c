export { Applications, type Application } from './applications.js';
export { startDs, type DsOptions, type RunningDs } from './ds.js';
export { DsKeyRing, type PublicJwk } from './keys.js';
export { ADMIN_HEADER, DS_PATHS, buildDsApp, type DsAppDeps, type DsCounters } from './server.js';
export { NBF_SKEW_S, ORIGINS_CLAIM, TOKEN_LIFETIME_S, mintToken, type MintOverrides, type TokenShape } from './tokens.js';
export { fetchDsToken, type DsEndpoint } from './token-client.js';
