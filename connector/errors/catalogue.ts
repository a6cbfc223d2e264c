/**
 * The one error catalogue of the connector. Each entry: a stable string key (what code switches on),
 * the six-digit wire code in the vendor's `OTTDDD` scheme (origin, type, detail — spec §1.4), the HTTP
 * status, a description safe to show to anyone, and whether retrying the same request may succeed.
 *
 * Origins: 1 general, 3 certificate, 6 identity/token, 7 reader. Types: 01 reader, 02 card, 04 security,
 * 05 configuration, 06 input, 07 session, 08 PIN, 11 module, 12 system, 13 I/O.
 * Never reuse a wire code; never use 401 but for authentication, never 404 but for unknown routes.
 * `docs/errors.md` is generated from this table (`npm run docs:errors`); a test keeps both in step.
 */
export const CATALOGUE = {
  ERR_INTERNAL: { code: 112000, status: 500, retryable: false, description: 'Internal error' },
  ERR_ROUTE_NOT_FOUND: { code: 111404, status: 404, retryable: false, description: 'Functionality not found' },
  ERR_INPUT_INVALID: { code: 106001, status: 400, retryable: false, description: 'Invalid request' },
  ERR_BODY_MALFORMED: { code: 106002, status: 400, retryable: false, description: 'Request body is not valid JSON' },
  ERR_CONTENT_TYPE_UNSUPPORTED: { code: 106003, status: 400, retryable: false, description: 'Unsupported content type: send application/json' },
  ERR_BODY_TOO_LARGE: { code: 106004, status: 413, retryable: false, description: 'Request body too large' },
  ERR_HEADERS_TOO_LARGE: { code: 106005, status: 431, retryable: false, description: 'Request headers too large' },
  ERR_ORIGIN_NOT_ALLOWED: { code: 104001, status: 403, retryable: false, description: 'Origin not allowed' },
  ERR_HOST_NOT_ALLOWED: { code: 104002, status: 403, retryable: false, description: 'Host not allowed' },
  ERR_PREFLIGHT_REJECTED: { code: 104003, status: 403, retryable: false, description: 'CORS preflight rejected: method or header not allowed' },
  ERR_AUTH_REQUIRED: { code: 104010, status: 401, retryable: false, description: 'Unauthorized: a valid token from the Distribution Service is required' },
  ERR_AUTH_INVALID: { code: 104011, status: 401, retryable: false, description: 'Unauthorized: a valid token from the Distribution Service is required' },
  ERR_AUTH_TOKEN_TOO_LARGE: { code: 106006, status: 431, retryable: false, description: 'Authorization token too large' },
  ERR_PIN_FORMAT: { code: 108001, status: 400, retryable: false, description: 'PIN missing, malformed or not decryptable' },
  ERR_OS_DIALOG_UNSUPPORTED: { code: 108002, status: 400, retryable: false, description: 'PIN entry in an OS dialog is not supported yet' },
  ERR_PIN_REQUIRED: { code: 108003, status: 400, retryable: false, description: 'PIN required: send one, or start bulk signing with one' },
  ERR_ALGORITHM_UNSUPPORTED: { code: 106010, status: 400, retryable: false, description: 'Signature algorithm not supported by this token' },
  ERR_DIGEST_INVALID: { code: 106011, status: 400, retryable: false, description: 'Data is not a base64 digest of the algorithm length' },
  ERR_MODULE_UNKNOWN: { code: 111001, status: 400, retryable: false, description: 'Module not supported by this connector' },

  ERR_READER_NOT_FOUND: { code: 701001, status: 400, retryable: false, description: 'Reader not found' },
  ERR_READER_QUEUE_FULL: { code: 701002, status: 503, retryable: true, description: 'Too many requests queued for this reader' },
  ERR_READER_UNAVAILABLE: { code: 701012, status: 503, retryable: true, description: 'Smart-card service unavailable' },
  ERR_PINPAD_UNSUPPORTED: { code: 701003, status: 422, retryable: false, description: 'PIN entry on a PIN-pad reader is not supported yet' },
  ERR_CARD_NOT_PRESENT: { code: 702001, status: 422, retryable: true, description: 'Card not present' },
  ERR_CARD_REMOVED: { code: 702002, status: 422, retryable: true, description: 'Card removed during the operation' },
  ERR_CARD_BUSY: { code: 702003, status: 409, retryable: true, description: 'Card in use by another application' },
  ERR_CARD_TIMEOUT: { code: 702013, status: 422, retryable: true, description: 'Card did not answer in time' },
  ERR_CARD_PROTOCOL: { code: 702006, status: 422, retryable: false, description: 'Card answered with a malformed or unexpected response' },
  ERR_CARD_NOT_SUPPORTED: { code: 611002, status: 422, retryable: false, description: 'The card in this reader is not served by this module' },
  ERR_CARD_FILE_NOT_FOUND: { code: 602004, status: 422, retryable: false, description: 'File not found on the card' },
  ERR_CARD_SECURITY_STATUS: { code: 602005, status: 422, retryable: false, description: 'Card refused: security condition not satisfied' },
  ERR_CERTIFICATE_NOT_FOUND: { code: 302001, status: 422, retryable: false, description: 'Certificate not present on the card' },
  ERR_PIN_WRONG: { code: 608001, status: 412, retryable: true, description: 'Wrong PIN' },
  ERR_PIN_BLOCKED: { code: 608002, status: 412, retryable: false, description: 'PIN blocked' },
  ERR_OPERATION_DEADLINE: { code: 702014, status: 422, retryable: true, description: 'Card operation took too long' },

  ERR_PKCS11_UNAVAILABLE: { code: 111010, status: 503, retryable: false, description: 'PKCS#11 not available: no token library is configured, or the PKCS#11 binding is not installed' },
  ERR_PKCS11_LIBRARY_INVALID: { code: 105010, status: 400, retryable: false, description: 'Not a loadable PKCS#11 library; the previous configuration stays in use' },
  ERR_PKCS11_CONFIG_SAVE: { code: 105011, status: 500, retryable: false, description: 'The PKCS#11 configuration could not be saved' },
  ERR_PKCS11_FAILED: { code: 612010, status: 422, retryable: false, description: 'The token library reported an error' },
  ERR_TOKEN_KEY_NOT_FOUND: { code: 602010, status: 422, retryable: false, description: 'No private key on the token for the requested key' },

  ERR_EMV_APPLICATION_NOT_FOUND: { code: 602020, status: 422, retryable: false, description: 'Payment application not found on the card' },
  ERR_EMV_APPLICATION_BLOCKED: { code: 602021, status: 422, retryable: false, description: 'Payment application blocked' },
  ERR_EMV_CARD_BLOCKED: { code: 602022, status: 422, retryable: false, description: 'Payment card blocked' },
  ERR_EMV_NO_APPLICATION: { code: 602023, status: 422, retryable: false, description: 'No payment application on the card: no PSE, and none of the known AIDs selects' },
} as const satisfies Record<string, ErrorSpec>;

export interface ErrorSpec {
  readonly code: number;
  readonly status: 400 | 401 | 403 | 404 | 409 | 412 | 413 | 422 | 431 | 500 | 503;
  readonly retryable: boolean;
  readonly description: string;
}

export type ErrorKey = keyof typeof CATALOGUE;
