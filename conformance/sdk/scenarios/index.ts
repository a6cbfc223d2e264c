import { BEID_SCENARIOS } from './beid.js';
import { EMV_SCENARIOS } from './emv.js';
import type { SdkScenario } from './types.js';

export type { ScenarioContext, SdkScenario } from './types.js';

/**
 * Every card scenario of the official SDK, run in every browser (conformance/sdk/sdk.suite.ts). A card family
 * joins with one more array here.
 */
export const SDK_SCENARIOS: readonly SdkScenario[] = [...BEID_SCENARIOS, ...EMV_SCENARIOS];
