import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CardSpec } from '../../simulators/lab/lab-runtime.js';
import type { Backend } from '../../simulators/lab/state.js';
import type { Provider } from '../../simulators/lab/providers/index.js';
import { parseCardSpec } from '../../simulators/cards/registry.js';
import { CARD_FAULT_KINDS, type CardFault } from '../../simulators/cards/fault-card.js';
import { parseCardFault } from '../../simulators/lab/faults.js';
import { UsageError } from '../usage-error.js';

/** `t1c-lab lab …` as parsed from the command line (CONTRACTS.md "The lab"). */
export type LabCommand =
  | { readonly sub: 'help'; readonly text: string }
  | {
      readonly sub: 'up';
      readonly backend: Backend | null;
      readonly provider: Provider | null;
      readonly cards: readonly CardSpec[];
      readonly readers: number | null;
      readonly connector: boolean;
      readonly replace: boolean;
      readonly apduLog: boolean;
      readonly tokens: boolean;
      readonly console: boolean;
      readonly json: boolean;
    }
  | { readonly sub: 'status'; readonly json: boolean }
  | { readonly sub: 'console'; readonly json: boolean }
  | { readonly sub: 'down' }
  | { readonly sub: 'insert'; readonly card: CardSpec; readonly reader: number | null; readonly json: boolean }
  | { readonly sub: 'remove'; readonly reader: number; readonly json: boolean }
  | { readonly sub: 'fault'; readonly reader: number; readonly fault: CardFault | ReaderFault; readonly json: boolean }
  | { readonly sub: 'fault'; readonly reader: null; readonly fault: { readonly kind: 'pcscd-restart' }; readonly json: boolean };

/** Faults on the reader itself rather than its card (embedded backend). */
export interface ReaderFault {
  readonly kind: 'unplug' | 'plug';
}

const READER_FAULT_KINDS: readonly ReaderFault['kind'][] = ['unplug', 'plug'];

type Sub = Exclude<LabCommand['sub'], 'help'>;

const HELP: Readonly<Record<Sub, string>> = {
  up: `Usage: t1c-lab lab up [--backend pcsc|embedded] [--provider local|containers] [--card PROFILE[:PERSONA]]... [--readers N]
                      [--no-connector] [--no-apdu-log] [--no-tokens] [--console] [--replace] [--json]

Starts a detached lab supervisor (pcscd + vpcd readers, or the connector's embedded reader; the card
simulators; SoftHSM tokens; the connector) and returns once every card is seen by its reader. State: .lab/state.json.
  --backend       pcsc (default when pcscd and vsmartcard-vpcd are installed) or embedded
  --provider      local (default: pcscd on this machine) or containers (pcscd + vpcd in a Docker container
                  of this lab's own, side by side with other labs; without Docker, says so and runs local)
  --card          a card per reader, in order, e.g. iso-echo or beid-1.8:be-fr-adult (repeatable)
  --readers       number of readers (default 2, or one per card; pcsc rounds up to even, at most 16)
  --no-connector  do not start the connector
  --no-apdu-log   do not run pcscd with APDU logging (.lab/pcscd.log may otherwise hold VERIFY APDUs)
  --no-tokens     do not provision the SoftHSM PKCS#11 tokens (RSA-2048, EC P-256, EC P-384)
  --console       serve the lab console and its demo application on loopback (see lab console --help)
  --replace       stop a running lab first instead of refusing
  --json          print the lab state as JSON`,
  console: `Usage: t1c-lab lab console [--json]

Serves the lab console on the running lab (if it does not run yet) and prints its URL: a web page on loopback
that shows the readers, cards and APDU traces as they happen and inserts, removes and faults cards; and the demo
application, a page on the official t1c-sdk-js that reads the card and signs (present when the lab has a
connector). Each URL carries the lab's console secret once; the page trades it for a cookie of its own origin.`,
  status: `Usage: t1c-lab lab status [--json]

Shows the running lab's readers, cards and connector (exit 1 when no lab is up).`,
  down: `Usage: t1c-lab lab down

Stops the lab and removes everything it started (also the leftovers of a lab that died).`,
  insert: `Usage: t1c-lab lab insert PROFILE[:PERSONA] [--reader N] [--json]

Inserts a fresh card (new PIN counters) into reader N, or the first empty reader.`,
  remove: `Usage: t1c-lab lab remove --reader N [--json]

Takes the card out of reader N.`,
  fault: `Usage: t1c-lab lab fault pcscd-restart [--json]
       t1c-lab lab fault unplug|plug --reader N [--json]
       t1c-lab lab fault KIND --reader N [--after N | --at-ins HH] [--count N] [--model none|real|fixed]
                         [--sign-ms MS] [--apdu-ms MS] [--mode MODE] [--seed N] [--honest N] [--json]

pcscd-restart stops the lab's pcscd and starts it again (pcsc backend, local provider); returns once its readers
are back. unplug pulls reader N out as a USB reader is unplugged (embedded backend): the connector stops listing it
and a session on its card fails; its card stays in it. plug puts it back: same reader id, the card powered afresh.
Every other KIND puts a fault on the card in reader N:
  remove     take the card out now, with --after N when its Nth APDU from now arrives, or with --at-ins HH
             when an APDU with that instruction (hex, e.g. 2A: a signature) arrives; that APDU stays unanswered
  power-off  the card loses power: its PIN rights and security environment go, it answers nothing until the
             reader powers it on again
  latency    per-command delay: --model real (the profile's real-card timings: RSA-2048 sign 150 ms, ECDSA
             P-384 95 ms), fixed (--sign-ms, --apdu-ms), none (simulator speed)
  drop       the next --count N answers (default 1) never come
  corrupt    the next --count N answers (default 1) get one byte changed
  hostile    the card's answers rewritten by a hostile card: --mode (random, wrong-length, bytes-available-forever,
             wrong-le-ping-pong, oversized, truncated, garbage-data, invalid-certificate, wrong-signature, mute;
             off ends it), --seed N, after --honest N honest answers
  clear      every pending fault, the latency model and hostility go`,
};

export const LAB_HELP = `Usage: t1c-lab lab <up|status|console|down|insert|remove|fault> [options]

  up       start the lab (readers, cards, connector) in the background
  status   show readers, cards and the connector
  console  serve the lab console (a web page) and the demo application; print their URLs
  down     stop the lab and clean up
  insert   insert a card:  lab insert PROFILE[:PERSONA] [--reader N]
  remove   remove a card:  lab remove --reader N
  fault    inject a fault: lab fault remove|power-off|latency|drop|corrupt|hostile|clear|unplug|plug --reader N,
           lab fault pcscd-restart

Run \`t1c-lab lab <subcommand> --help\` for options.`;

const OPTIONS = {
  up: {
    backend: { type: 'string' },
    provider: { type: 'string' },
    card: { type: 'string', multiple: true },
    readers: { type: 'string' },
    'no-connector': { type: 'boolean' },
    'no-apdu-log': { type: 'boolean' },
    'no-tokens': { type: 'boolean' },
    console: { type: 'boolean' },
    replace: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
  status: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  console: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  down: { help: { type: 'boolean', short: 'h' } },
  insert: { reader: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  remove: { reader: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  fault: {
    reader: { type: 'string' },
    after: { type: 'string' },
    'at-ins': { type: 'string' },
    count: { type: 'string' },
    model: { type: 'string' },
    'sign-ms': { type: 'string' },
    'apdu-ms': { type: 'string' },
    mode: { type: 'string' },
    seed: { type: 'string' },
    honest: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
} satisfies Record<Sub, NonNullable<ParseArgsConfig['options']>>;

const isSub = (name: string): name is Sub => Object.hasOwn(HELP, name);

export function parseLabArgs(args: readonly string[]): LabCommand {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') return { sub: 'help', text: LAB_HELP };
  if (!isSub(name)) throw new UsageError(`unknown lab subcommand "${name}"`, 't1c-lab lab --help');
  const hint = `t1c-lab lab ${name} --help`;
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    const options: NonNullable<ParseArgsConfig['options']> = OPTIONS[name];
    const result = parseArgs({ args: rest, options, allowPositionals: name === 'insert' || name === 'fault', strict: true });
    parsed = { values: result.values, positionals: result.positionals };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), hint);
  }
  const { values, positionals } = parsed;
  if (values['help'] === true) return { sub: 'help', text: HELP[name] };
  const json = values['json'] === true;
  switch (name) {
    case 'up':
      return {
        sub: 'up',
        backend: backendOf(values['backend'], hint),
        provider: providerOf(values['provider'], hint),
        cards: ((values['card'] as string[] | undefined) ?? []).map((spec) => cardOf(spec, hint)),
        readers: values['readers'] === undefined ? null : integerOf(values['readers'], '--readers', 1, hint),
        connector: values['no-connector'] !== true,
        apduLog: values['no-apdu-log'] !== true,
        tokens: values['no-tokens'] !== true,
        console: values['console'] === true,
        replace: values['replace'] === true,
        json,
      };
    case 'status':
      return { sub: 'status', json };
    case 'console':
      return { sub: 'console', json };
    case 'down':
      return { sub: 'down' };
    case 'insert': {
      if (positionals.length !== 1) throw new UsageError('lab insert takes exactly one PROFILE[:PERSONA]', hint);
      const reader = values['reader'] === undefined ? null : integerOf(values['reader'], '--reader', 0, hint);
      return { sub: 'insert', card: cardOf(positionals[0]!, hint), reader, json };
    }
    case 'remove':
      if (values['reader'] === undefined) throw new UsageError('lab remove needs --reader N', hint);
      return { sub: 'remove', reader: integerOf(values['reader'], '--reader', 0, hint), json };
    case 'fault': {
      if (positionals.length !== 1) throw new UsageError(`lab fault takes exactly one KIND (${[...CARD_FAULT_KINDS, ...READER_FAULT_KINDS, 'pcscd-restart'].join(', ')})`, hint);
      if (positionals[0] === 'pcscd-restart') {
        if (values['reader'] !== undefined) throw new UsageError('lab fault pcscd-restart takes no --reader: it restarts the readers\' daemon', hint);
        return { sub: 'fault', reader: null, fault: { kind: 'pcscd-restart' }, json };
      }
      if (values['reader'] === undefined) throw new UsageError('lab fault needs --reader N', hint);
      const reader = integerOf(values['reader'], '--reader', 0, hint);
      const kind = positionals[0]!;
      if (READER_FAULT_KINDS.includes(kind as ReaderFault['kind'])) {
        const extra = Object.keys(values).filter((k) => !['reader', 'json', 'help'].includes(k));
        if (extra.length > 0) throw new UsageError(`lab fault ${kind} takes only --reader N, not --${extra[0]!}`, hint);
        return { sub: 'fault', reader, fault: { kind: kind as ReaderFault['kind'] }, json };
      }
      return { sub: 'fault', reader, fault: faultOf(kind, values, hint), json };
    }
  }
}

function insOf(value: unknown, hint: string): { atIns?: number } {
  if (value === undefined) return {};
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{2}$/.test(value)) throw new UsageError(`--at-ins must be one hex byte like 2A, not "${String(value)}"`, hint);
  return { atIns: Number.parseInt(value, 16) };
}

/** The CLI's fault options as the control protocol's fault; the lab's own check names what is wrong. */
function faultOf(kind: string, values: Record<string, unknown>, hint: string): CardFault {
  const number = (flag: string, field: string): Record<string, number> => {
    const v = values[flag];
    if (v === undefined) return {};
    const n = Number(v);
    if (String(v).trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag} must be a number, not "${String(v)}"`, hint);
    return { [field]: n };
  };
  const raw = {
    kind,
    ...number('after', 'afterApdus'),
    ...insOf(values['at-ins'], hint),
    ...number('count', 'count'),
    ...(values['model'] === undefined ? {} : { model: values['model'] }),
    ...number('sign-ms', 'signMs'),
    ...number('apdu-ms', 'apduMs'),
    ...(values['mode'] === undefined ? {} : { mode: values['mode'] }),
    ...number('seed', 'seed'),
    ...number('honest', 'honestApdus'),
  };
  try {
    return parseCardFault(raw);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), hint);
  }
}

function backendOf(value: unknown, hint: string): Backend | null {
  if (value === undefined) return null;
  if (value === 'pcsc' || value === 'embedded') return value;
  throw new UsageError(`--backend must be pcsc or embedded, not "${String(value)}"`, hint);
}

function providerOf(value: unknown, hint: string): Provider | null {
  if (value === undefined) return null;
  if (value === 'local' || value === 'containers') return value;
  throw new UsageError(`--provider must be local or containers, not "${String(value)}"`, hint);
}

function cardOf(spec: string, hint: string): CardSpec {
  try {
    return parseCardSpec(spec);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e), hint);
  }
}

function integerOf(value: unknown, flag: string, min: number, hint: string): number {
  const text = String(value);
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${flag} must be an integer ≥ ${min}, not "${text}"`, hint);
  return Number(text);
}
