import { BEID_SCENARIOS } from './beid.js';
import { EMV_SCENARIOS } from './emv.js';
import { PKCS11_SCENARIOS } from './pkcs11.js';
import type { SdkScenario, SdkTokenScenario } from './types.js';

export type { PlacedToken, ScenarioContext, SdkScenario, SdkTokenScenario } from './types.js';

/**
 * Every card scenario of the official SDK, run in every browser (conformance/sdk/sdk.suite.ts). A card family
 * joins with one more array here.
 */
export const SDK_SCENARIOS: readonly SdkScenario[] = [...BEID_SCENARIOS, ...EMV_SCENARIOS];

/** Every PKCS#11 token scenario, run in every browser against every token of the target. */
export const SDK_TOKEN_SCENARIOS: readonly SdkTokenScenario[] = PKCS11_SCENARIOS;
