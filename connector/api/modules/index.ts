import type { ModuleRoutes } from '../module-routes.js';
import { BEID_ROUTES } from './beid/routes.js';
import { EMV_ROUTES } from './emv/routes.js';
import { PKCS11_ROUTES } from './pkcs11/routes.js';

/**
 * The modules whose routes this connector serves, in registration order; `/info` lists their names.
 * A card family adds its entry here (e.g. `{ name: 'beid', description: 'Belgian eID', plugin: beidRoutes }`).
 */
export const MODULE_ROUTES: readonly ModuleRoutes[] = [BEID_ROUTES, EMV_ROUTES, PKCS11_ROUTES];
