import { parseArgs, type ParseArgsConfig } from 'node:util';
import { runConnector } from '../../connector/main.js';
import { UsageError } from '../usage-error.js';

const HELP = `usage: t1c-lab connector [--config FILE] [flags]      run the connector in the foreground (--help for flags)
       t1c-lab connector install [--user] [--config FILE] [--port N] [--system-trust | --no-system-trust]
       t1c-lab connector uninstall
       t1c-lab connector status [--json]
       t1c-lab connector logs [--since 10m|2h|1d|ISO] [--level info] [--json]
       t1c-lab connector cors list [--json] | add ORIGIN | remove ORIGIN
       t1c-lab connector serve --config FILE                  what the installed service runs`;

const HINT = 't1c-lab connector help';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

function parse<const T extends ParseArgsOptionsConfig>(args: string[], options: T, positionals = 0): Parsed<T> {
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message, HINT);
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`, HINT);
  return parsed;
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

async function install(args: string[]): Promise<number> {
  const { values } = parse(args, { user: { type: 'boolean' }, config: { type: 'string' }, port: { type: 'string' }, 'system-trust': { type: 'boolean' }, 'no-system-trust': { type: 'boolean' } });
  if (values['system-trust'] && values['no-system-trust']) throw new UsageError('--system-trust and --no-system-trust exclude each other', HINT);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError(`--port: "${values.port}" is not a port number (1-65535)`, HINT);
  const { installConnector } = await import('../../installer/install.js');
  const result = await installConnector({
    ...(values.config ? { configFile: values.config } : {}),
    ...(port !== undefined ? { port } : {}),
    systemTrust: values['system-trust'] ? 'yes' : values['no-system-trust'] ? 'no' : 'auto',
  });
  console.log(`installed: ${result.url} (${result.service === 'systemd' ? 'systemd user service' : 'XDG autostart entry, started now'})`);
  console.log(`  answered /info ${result.coldStartMs} ms after start; installed size ${mb(result.footprint.bytes)}`);
  for (const t of result.trust) console.log(`  CA trusted in ${t.store === 'nss' ? `NSS database ${t.db}` : `system store (${t.file})`}`);
  console.log(`  config ${result.paths.configFile}, allow-list ${result.paths.allowListFile}, logs ${result.paths.logFile}`);
  return 0;
}

async function uninstall(args: string[]): Promise<number> {
  parse(args, {});
  const { uninstallConnector } = await import('../../installer/uninstall.js');
  const result = await uninstallConnector();
  for (const item of result.removed) console.log(`removed ${item}`);
  for (const problem of result.problems) console.error(`t1c-lab: ${problem}`);
  if (!result.wasInstalled && result.removed.length === 0) console.log('not installed: nothing to remove');
  return result.problems.length > 0 ? 1 : 0;
}

async function status(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const { connectorStatus } = await import('../../installer/status.js');
  const s = await connectorStatus();
  if (values.json) {
    console.log(JSON.stringify(s, null, 2));
  } else if (!s.installed) {
    console.log('not installed (t1c-lab connector install)');
  } else {
    console.log(`connector ${s.running ? 'running' : 'NOT running'} (${s.service}) on ${s.url}${s.version ? `, version ${s.version} (API ${s.apiVersion})` : ''}`);
    console.log(`  readers: ${s.readers === null ? 'unknown (the connector wants a DS token, or does not answer)' : s.readers!.length === 0 ? 'none' : s.readers!.map((r) => `${r.name}${r.card ? ' [card]' : ''}`).join(', ')}`);
    console.log(`  DS: ${s.ds!.url ?? '-'} ${s.ds!.state}, ${s.ds!.syncedOrigins} origin(s) synced`);
    console.log(`  TLS: leaf valid until ${s.tls!.leafNotAfter} (${s.tls!.daysLeft} days${s.tls!.renewed ? ', renewed now' : ''}), CA trusted in ${s.tls!.trustedIn.length} store(s)`);
    if (s.installedBytes !== undefined) console.log(`  installed size ${mb(s.installedBytes)}; largest: ${s.largest!.map((p) => `${p.part} ${mb(p.bytes)}`).join(', ')}`);
    console.log(`  config ${s.paths!.config}; logs ${s.paths!.logs}`);
  }
  return s.installed && s.running ? 0 : 1;
}

async function logs(args: string[]): Promise<number> {
  const { values } = parse(args, { since: { type: 'string' }, level: { type: 'string' }, json: { type: 'boolean' } });
  const { LOG_LEVELS, formatLogLine, installedLogKeep, parseSince, readLogs } = await import('../../installer/logs.js');
  const { installPaths } = await import('../../installer/paths.js');
  let since: number | undefined;
  try {
    since = values.since === undefined ? undefined : parseSince(values.since);
  } catch (e) {
    throw new UsageError((e as Error).message, HINT);
  }
  const minLevel = values.level === undefined ? undefined : LOG_LEVELS[values.level];
  if (values.level !== undefined && minLevel === undefined) throw new UsageError(`--level: one of ${Object.keys(LOG_LEVELS).join(', ')}`, HINT);
  const paths = installPaths();
  const lines = await readLogs(paths.logFile, { keep: installedLogKeep(paths.configFile), ...(since !== undefined ? { since } : {}), ...(minLevel !== undefined ? { minLevel } : {}) });
  for (const line of lines) console.log(values.json ? line.raw : formatLogLine(line));
  return 0;
}

async function cors(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { addOrigin, listOrigins, removeOrigin } = await import('../../installer/cors.js');
  const { installPaths } = await import('../../installer/paths.js');
  const paths = installPaths();
  if (action === 'list') {
    const { values } = parse(rest, { json: { type: 'boolean' } });
    const origins = await listOrigins(paths);
    if (values.json) console.log(JSON.stringify(origins, null, 2));
    else if (origins.length === 0) console.log('no origin allowed (t1c-lab connector cors add https://app.example.org)');
    else for (const o of origins) console.log(`${o.origin}  ${o.source === 'ds' ? '(DS-synced)' : o.source === 'config' ? '(installed configuration)' : '(user)'}`);
    return 0;
  }
  if (action !== 'add' && action !== 'remove') throw new UsageError(`cors: list, add ORIGIN or remove ORIGIN, not "${action ?? ''}"`, HINT);
  const { positionals } = parse(rest, {}, 1);
  const origin = positionals[0];
  if (origin === undefined) throw new UsageError(`cors ${action}: give an origin, e.g. https://app.example.org`, HINT);
  let outcome;
  try {
    outcome = action === 'add' ? await addOrigin(paths, origin) : await removeOrigin(paths, origin);
  } catch (e) {
    if (e instanceof TypeError) throw new UsageError(e.message, HINT);
    throw e;
  }
  const verb = action === 'add' ? 'allowed' : 'no longer allowed';
  console.log(outcome === 'unchanged' ? `${origin}: no change` : outcome === 'applied' ? `${origin} ${verb} (the running connector applied it)` : `${origin} ${verb} from the next start (the connector is not running)`);
  return 0;
}

/** `t1c-lab connector …`: the daemon in the foreground, or install/uninstall/status/logs/cors for a user installation. */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'help':
      console.log(HELP);
      return 0;
    case 'install':
      return install(rest);
    case 'uninstall':
      return uninstall(rest);
    case 'status':
      return status(rest);
    case 'logs':
      return logs(rest);
    case 'cors':
      return cors(rest);
    case 'serve': {
      const { serveInstalled } = await import('../../installer/serve.js');
      return serveInstalled(rest);
    }
    default:
      if (sub !== undefined && !sub.startsWith('-')) throw new UsageError(`unknown connector command "${sub}"`, HINT);
      if (args.includes('--help') || args.includes('-h')) console.log(`${HELP}\n`);
      return runConnector(args);
  }
}
