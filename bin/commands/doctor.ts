import { parseArgs } from 'node:util';
import { doctorOptions } from '../../doctor/options.js';
import { renderJson, renderText, runDoctor } from '../../doctor/index.js';
import { labFiles } from '../../simulators/lab/paths.js';
import { readState } from '../../simulators/lab/state.js';
import { UsageError } from '../usage-error.js';

const HINT = 't1c-lab doctor --help';
const HELP = `usage: t1c-lab doctor [--connector URL] [--ca FILE] [--ds URL] [--api-key-env NAME] [--origin ORIGIN]
                     [--dns-server IP[:PORT]]… [--lab] [--json]

Checks this machine against the connector's prerequisites and prints a checklist (ok / warning / problem /
n/a), each problem with its fix: name resolution, proxies, the connector (port, TLS certificate and trust,
/info, browser stores), the Distribution Service (reachable, clock skew, token exchange), CORS, hardware
(pcscd, readers and cards, PKCS#11 library) and the platform (OS, disk, browsers).

  --connector URL     the connector (default https://t1c.t1t.io:51983)
  --ca FILE           trust this CA (PEM) for the connector instead of the system store
  --ds URL            the Distribution Service
  --api-key-env NAME  the environment variable holding the application's API key (never printed)
  --origin ORIGIN     the web application's origin, checked with a real CORS preflight
  --dns-server IP     ask this DNS server instead of the system's (repeatable)
  --lab               take the connector, CA, DS, API key and origin from the running lab
  --json              the report as JSON

Exit code: 0 when every check is ok, a warning or not applicable; 1 when a problem stops the connector.`;

/** `t1c-lab doctor`: the checks of doctor/, printed as a checklist or JSON. */
export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        connector: { type: 'string' },
        ca: { type: 'string' },
        ds: { type: 'string' },
        'api-key-env': { type: 'string' },
        origin: { type: 'string' },
        'dns-server': { type: 'string', multiple: true },
        lab: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message, HINT);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const lab = values.lab ? readState(labFiles()) : null;
  if (values.lab && !lab?.connector) throw new Error('--lab: no lab with a connector is up (t1c-lab lab up)');
  let options;
  try {
    options = doctorOptions(
      {
        ...(values.connector !== undefined && { connector: values.connector }),
        ...(values.ca !== undefined && { ca: values.ca }),
        ...(values.ds !== undefined && { ds: values.ds }),
        ...(values['api-key-env'] !== undefined && { apiKeyEnv: values['api-key-env'] }),
        ...(values.origin !== undefined && { origin: values.origin }),
        ...(values['dns-server'] !== undefined && { dnsServer: values['dns-server'] }),
      },
      lab,
    );
  } catch (e) {
    throw new UsageError((e as Error).message, HINT);
  }
  const report = await runDoctor(options);
  console.log(values.json ? renderJson(report) : renderText(report));
  return report.exitCode;
}
