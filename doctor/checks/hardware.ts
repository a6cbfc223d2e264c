import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { loadPkcs11Binding } from '../../connector/modules/pkcs11/binding.js';
import { connectorHost, connectorTrust, type DoctorContext } from '../context.js';
import { errorCode, errorMessage, httpRequestOnce, type HttpAnswer } from '../http.js';
import { result, type CheckResult } from '../types.js';
import { connectUnix } from './unix-socket.js';

/** pcscd's socket when PCSCLITE_CSOCK_NAME does not name another. */
export const PCSCD_DEFAULT_SOCKET = '/run/pcscd/pcscd.comm';

/** pcscd answers on its socket, unless the connector uses its embedded reader (the lab). */
export async function checkPcscd(ctx: DoctorContext): Promise<CheckResult> {
  const { pcscdSocket, backend } = ctx.options;
  const title = 'pcscd';
  if (backend === 'embedded') return result('hardware.pcscd', 'hardware', title, 'n/a', 'the connector uses its embedded reader (lab), not pcscd');
  const failed = await connectUnix(pcscdSocket);
  if (failed === null) return result('hardware.pcscd', 'hardware', title, 'ok', `pcscd answers on ${pcscdSocket}`);
  return result(
    'hardware.pcscd',
    'hardware',
    title,
    'problem',
    failed === 'ENOENT' ? `pcscd is not running (no socket ${pcscdSocket})` : `pcscd does not answer on ${pcscdSocket} (${failed})`,
    'sudo apt-get install pcscd && sudo systemctl enable --now pcscd.socket',
  );
}

async function askConnector(ctx: DoctorContext, path: string): Promise<HttpAnswer> {
  const { options, facts } = ctx;
  const host = connectorHost(options);
  return httpRequestOnce({
    url: new URL(path, options.connectorUrl).toString(),
    headers: facts.token ? { authorization: `Bearer ${facts.token}` } : {},
    ca: connectorTrust(options).pems,
    servername: isIP(host) !== 0 ? options.connectorName : host,
  });
}

/** Why the connector's protected routes cannot be asked, or null when they can. */
function notAskable(ctx: DoctorContext): string | null {
  if (!ctx.facts.info) return 'the connector did not answer /info (see above)';
  if (ctx.facts.info.jwtEnabled && !ctx.facts.token) return 'the connector requires a JWT and no token was obtained (give --ds and --api-key-env)';
  return null;
}

interface ReaderView {
  readonly name: string;
  readonly card?: { readonly atr?: string; readonly modules: readonly string[] };
}

/** The readers the connector sees, with each card's ATR and module (`GET /v3/readers`). */
export async function checkReaders(ctx: DoctorContext): Promise<CheckResult> {
  const title = 'readers and cards';
  const why = notAskable(ctx);
  if (why) return result('hardware.readers', 'hardware', title, 'n/a', `not asked: ${why}; pcsc_scan -r lists the readers pcscd sees, pcsc_scan -c the cards with their ATR`);
  let answer: HttpAnswer;
  try {
    answer = await askConnector(ctx, '/v3/readers');
  } catch (e) {
    return result('hardware.readers', 'hardware', title, 'n/a', `not asked: ${errorCode(e)}`);
  }
  const readers = (answer.body as { data?: ReaderView[] } | null)?.data;
  if (answer.status !== 200 || !Array.isArray(readers)) {
    const code = (answer.body as { code?: unknown } | null)?.code;
    return result('hardware.readers', 'hardware', title, 'problem', `GET /v3/readers answered ${answer.status}${code ? ` (code ${String(code)})` : ''}`, answer.status === 503 ? 'start pcscd (sudo systemctl enable --now pcscd.socket) and restart the connector' : 'see docs/errors.md for the code');
  }
  if (readers.length === 0) return result('hardware.readers', 'hardware', title, 'warning', 'the connector sees no reader', 'plug in a card reader (lsusb shows it; pcsc_scan lists what pcscd sees)');
  const lines = readers.map((r) => (r.card ? `${r.name}: ATR ${r.card.atr ?? '— (token)'}, module ${r.card.modules.join('/') || 'none'}` : `${r.name}: no card`));
  const unsupported = readers.filter((r) => r.card && r.card.modules.length === 0);
  if (unsupported.length > 0) return result('hardware.readers', 'hardware', title, 'warning', `${lines.join('; ')} — no module for ${unsupported.map((r) => r.name).join(', ')}`, 'that card type is not supported by this connector (t1c-lab cards lists the supported ones)');
  const cards = readers.filter((r) => r.card).length;
  return result('hardware.readers', 'hardware', title, cards === 0 ? 'warning' : 'ok', `${readers.length} reader(s), ${cards} card(s): ${lines.join('; ')}`, ...(cards === 0 ? ['insert a card'] : []));
}

const OS_KEY: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'macos', win32: 'win' };

/** The PKCS#11 library the connector is configured with exists and loads (C_Initialize, C_GetInfo). */
export async function checkPkcs11(ctx: DoctorContext): Promise<CheckResult> {
  const title = 'PKCS#11 library';
  if (ctx.facts.info && !ctx.facts.info.modules.includes('pkcs11')) return result('hardware.pkcs11', 'hardware', title, 'n/a', 'the connector does not serve the pkcs11 module');
  const why = notAskable(ctx);
  if (why) return result('hardware.pkcs11', 'hardware', title, 'n/a', `not asked: ${why}`);
  let answer: HttpAnswer;
  try {
    answer = await askConnector(ctx, '/v3/modules/pkcs11/apps/token/config');
  } catch (e) {
    return result('hardware.pkcs11', 'hardware', title, 'n/a', `not asked: ${errorCode(e)}`);
  }
  const config = (answer.body as { data?: Record<string, string> } | null)?.data;
  if (answer.status !== 200 || !config) return result('hardware.pkcs11', 'hardware', title, 'problem', `GET /v3/modules/pkcs11/apps/token/config answered ${answer.status}`, 'see docs/errors.md for the code');
  const key = OS_KEY[ctx.options.platform] ?? ctx.options.platform;
  const library = config[key];
  const post = `POST /v3/modules/pkcs11/apps/token/config {"${key}": "/path/to/the/token/library.so"}`;
  if (!library) return result('hardware.pkcs11', 'hardware', title, 'warning', `no PKCS#11 library configured for ${key}`, `configure the token's library: ${post}`);
  if (!existsSync(library)) return result('hardware.pkcs11', 'hardware', title, 'problem', `the configured library ${library} does not exist`, `install the token's middleware (e.g. sudo apt-get install softhsm2 / opensc-pkcs11) or ${post}`);
  try {
    const binding = await loadPkcs11Binding();
    const pkcs11 = new binding.PKCS11();
    pkcs11.load(library);
    try {
      pkcs11.C_Initialize();
      const info = pkcs11.C_GetInfo();
      pkcs11.C_Finalize();
      return result('hardware.pkcs11', 'hardware', title, 'ok', `${library} loads (${info.manufacturerID.trim()} ${info.libraryDescription.trim()}, Cryptoki ${info.cryptokiVersion.major}.${info.cryptokiVersion.minor})`);
    } finally {
      pkcs11.close();
    }
  } catch (e) {
    return result('hardware.pkcs11', 'hardware', title, 'problem', `${library} does not load: ${errorMessage(e)}`, 'reinstall the token middleware; the library must match this machine\'s architecture');
  }
}
