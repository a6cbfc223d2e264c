export { provisionSoftHsm, loadPkcs11js, initializeWithConf, slotByLabel, type ProvisionedHsm, type ProvisionedKey, type ProvisionedToken } from './provision.js';
export { LAB_TOKENS, TOKEN_KEYS, type HsmKeyAlgorithm, type HsmKeyRole, type HsmTokenPlan } from './plan.js';
export { SOFTHSM_CONF_ENV, SOFTHSM_MODULE, removeSoftHsmDir, softHsmInstalled, type SoftHsmDir } from './softhsm.js';
