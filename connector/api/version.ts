/** This connector's own version (package.json; a test keeps them equal). Reported as t1CInfoRuntime.version. */
export const CONNECTOR_VERSION = '0.1.0';

/**
 * The T1C API version reported as t1CInfoAPI.version, which the SDK gates on (spec §1.6): ≥ 3.6.0 selects
 * the current certificate shapes, and 3.8.1 is outside (3.7.6, 3.7.11). We never send `signature`.
 */
export const T1C_API_VERSION = '3.8.1';
