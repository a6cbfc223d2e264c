import type { Page } from 'puppeteer-core';
import type { PlacedCard } from '../../support/target.js';
import type { SdkResult } from '../sdk-page.js';

/** What a scenario works with: a page of the allowed origin whose SDK client is initialised, and its card. */
export interface ScenarioContext {
  readonly page: Page;
  readonly card: PlacedCard;
}

/**
 * One thing a web application does with a card through the official SDK. The list (scenarios/index.ts) is run in
 * every browser against every placed card the scenario is for; a new card family adds entries, not a suite.
 */
export interface SdkScenario {
  readonly title: string;
  /** Is the scenario for this card type (its SDK module)? */
  readonly for: (profile: string) => boolean;
  /** Capabilities the card's profile must list (fixtures/cards); otherwise the scenario is skipped, saying which. */
  readonly needs?: readonly string[] | ((card: PlacedCard) => readonly string[]);
  /** Why the scenario cannot run for this card although it is for it (e.g. no persona keys to verify with). */
  readonly skip?: (card: PlacedCard) => string | null;
  run(context: ScenarioContext): Promise<void>;
}

/** A PKCS#11 token the lab provisioned (or a target's state names), by its reader id. */
export interface PlacedToken {
  readonly id: string;
  readonly label: string;
  readonly pin: string;
}

/** One thing a web application does with a PKCS#11 token through the official SDK; run against every token. */
export interface SdkTokenScenario {
  readonly title: string;
  run(context: { readonly page: Page; readonly token: PlacedToken }): Promise<void>;
}

/** The SDK's resolved value, or a failure naming the SDK's error. */
export function value<T>(result: SdkResult<T>): T {
  if (!result.ok) throw new Error(`SDK call failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The connector's answer as the SDK resolves it. */
export interface Body<T> {
  readonly success: boolean;
  readonly data: T;
}
