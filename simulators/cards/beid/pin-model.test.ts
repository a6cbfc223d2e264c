import { X509Certificate, createHash, verify, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SW, isBytesAvailable, verifyFailed } from '../../../connector/protocol/index.js';
import { fcParams } from '../../../connector/protocol/fc-params.js';
import { personaKeys } from '../../../fixtures/pki/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { BEID_KEY } from './apdu.js';
import { createBeidCard, type BeidCard } from './card.js';
import { BeidTestDriver } from './test-driver.js';

/**
 * Model-based test of the BeID PIN and security rules (cards.md §1.7): random sequences of VERIFY (right, wrong,
 * status), CHANGE REFERENCE DATA, MSE SET, PSO:CDS, LOG OFF, GET CHALLENGE (an unrelated command) and reset run
 * against the simulator and against the small reference model below; every status word, every retry counter and
 * every signature is checked.
 */

type Profile = 'beid-1.7' | 'beid-1.8';

interface Model {
  pin: string;
  tries: number;
  /** Command number of a right PIN not yet turned into the authentication right or consumed by key 83. */
  pending: number | null;
  /** "PIN once": key 82 may sign. */
  auth: boolean;
  /** Key named by the last accepted MSE SET. */
  env: number | null;
  /** APDUs since the last reset, as the card numbers them. */
  clock: number;
}

interface Real {
  readonly card: BeidCard;
  readonly driver: BeidTestDriver;
}

interface Rules {
  readonly profile: Profile;
  readonly window: number;
  readonly keys: readonly number[];
  readonly algorithm: number;
  readonly publicKeys: ReadonlyMap<number, KeyObject>;
  readonly verifyOptions: { dsaEncoding?: 'ieee-p1363' };
}

const PERSONA = 'be-fr-adult';
const MAX_TRIES = 3;
const PINS = ['1234', '98765432', '000000000000', loadBeidPersona(PERSONA).pin];

function rulesFor(profile: Profile): Rules {
  const family = profile === 'beid-1.7' ? 'rsa' : 'ec';
  const keys = personaKeys(PERSONA, family)!;
  const publicKeys = new Map<number, KeyObject>([
    [BEID_KEY.AUTHENTICATION, new X509Certificate(keys.authentication.certificate).publicKey],
    [BEID_KEY.NON_REPUDIATION, new X509Certificate(keys.nonRepudiation.certificate).publicKey],
  ]);
  return profile === 'beid-1.7'
    ? { profile, window: 1, keys: [BEID_KEY.AUTHENTICATION, BEID_KEY.NON_REPUDIATION], algorithm: 0x08, publicKeys, verifyOptions: {} }
    : { profile, window: 2, keys: [BEID_KEY.BASIC, BEID_KEY.AUTHENTICATION, BEID_KEY.NON_REPUDIATION], algorithm: 0x01, publicKeys, verifyOptions: { dsaEncoding: 'ieee-p1363' } };
}

/** The model's clock moves one APDU; a pending verification outside the window becomes the authentication right. */
function tick(m: Model, rules: Rules): number {
  m.clock += 1;
  if (m.pending !== null && m.clock - m.pending > rules.window) {
    m.pending = null;
    m.auth = true;
  }
  return m.clock;
}

/** The model's answer to a PIN presentation (VERIFY or the old PIN of CHANGE). */
function present(m: Model, right: boolean, at: number): number {
  if (m.tries === 0) return SW.AUTH_METHOD_BLOCKED;
  if (!right) {
    m.tries -= 1;
    m.pending = null;
    m.auth = false;
    return verifyFailed(m.tries);
  }
  if (m.pending !== null) m.auth = true;
  m.pending = at;
  m.tries = MAX_TRIES;
  return SW.OK;
}

function wrongPin(m: Model): string {
  return PINS.find((p) => p !== m.pin)!;
}

abstract class Step implements fc.AsyncCommand<Model, Real> {
  constructor(protected readonly rules: Rules) {}
  check(): boolean {
    return true;
  }
  abstract run(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
  protected expectClock(m: Model, r: Real): void {
    expect(r.card.commandNumber, 'APDUs counted by the card').toBe(m.clock);
    expect(r.card.pinTriesLeft, 'retry counter').toBe(m.tries);
  }
}

class Verify extends Step {
  constructor(rules: Rules, private readonly right: boolean) {
    super(rules);
  }
  async run(m: Model, r: Real): Promise<void> {
    const pin = this.right ? m.pin : wrongPin(m);
    const answer = await r.driver.verify(pin);
    expect(answer.sw).toBe(present(m, this.right, tick(m, this.rules)));
    this.expectClock(m, r);
  }
  toString(): string {
    return `VERIFY(${this.right ? 'right' : 'wrong'})`;
  }
}

class PinStatus extends Step {
  async run(m: Model, r: Real): Promise<void> {
    const answer = await r.driver.pinStatus();
    tick(m, this.rules);
    const expected = m.tries === 0 ? SW.AUTH_METHOD_BLOCKED : m.pending !== null || m.auth ? SW.OK : verifyFailed(m.tries);
    expect(answer.sw).toBe(expected);
    this.expectClock(m, r);
  }
  toString(): string {
    return 'VERIFY(status)';
  }
}

class Change extends Step {
  constructor(rules: Rules, private readonly right: boolean, private readonly next: string) {
    super(rules);
  }
  async run(m: Model, r: Real): Promise<void> {
    const answer = await r.driver.changePin(this.right ? m.pin : wrongPin(m), this.next);
    const expected = present(m, this.right, tick(m, this.rules));
    if (expected === SW.OK) m.pin = this.next;
    expect(answer.sw).toBe(expected);
    this.expectClock(m, r);
  }
  toString(): string {
    return `CHANGE(${this.right ? 'right' : 'wrong'} → ${this.next.length} digits)`;
  }
}

class Mse extends Step {
  constructor(rules: Rules, private readonly key: number) {
    super(rules);
  }
  async run(m: Model, r: Real): Promise<void> {
    const answer = await r.driver.mse(this.rules.algorithm, this.key);
    tick(m, this.rules);
    if (this.rules.keys.includes(this.key)) {
      m.env = this.key;
      expect(answer.sw).toBe(SW.OK);
    } else {
      expect(answer.sw).toBe(SW.REFERENCE_DATA_NOT_FOUND);
    }
    this.expectClock(m, r);
  }
  toString(): string {
    return `MSE(key ${this.key.toString(16)})`;
  }
}

class Pso extends Step {
  constructor(rules: Rules, private readonly message: string) {
    super(rules);
  }
  async run(m: Model, r: Real): Promise<void> {
    const digest = createHash('sha256').update(this.message).digest();
    const first = await r.driver.pso(digest);
    tick(m, this.rules);
    const key = m.env;
    let allowed = false;
    if (key === BEID_KEY.NON_REPUDIATION && m.pending !== null) {
      m.pending = null;
      allowed = true;
    } else if (key === BEID_KEY.AUTHENTICATION) {
      allowed = m.pending !== null || m.auth;
    }
    if (key === null || key === BEID_KEY.BASIC) {
      expect(first.sw).toBe(SW.CONDITIONS_NOT_SATISFIED);
    } else if (!allowed) {
      expect(first.sw).toBe(SW.SECURITY_STATUS_NOT_SATISFIED);
    } else {
      expect(isBytesAvailable(first.sw), `PSO answered ${first.sw.toString(16)}`).toBe(true);
      const answer = await r.driver.fetch(first);
      tick(m, this.rules); // one GET RESPONSE fetches the whole signature
      expect(answer.sw).toBe(SW.OK);
      const publicKey = this.rules.publicKeys.get(key)!;
      expect(verify('sha256', Buffer.from(this.message), { key: publicKey, ...this.rules.verifyOptions }, answer.data)).toBe(true);
    }
    this.expectClock(m, r);
  }
  toString(): string {
    return `PSO(${JSON.stringify(this.message)})`;
  }
}

class LogOff extends Step {
  async run(m: Model, r: Real): Promise<void> {
    const answer = await r.driver.logOff();
    tick(m, this.rules);
    m.pending = null;
    m.auth = false;
    m.env = null;
    expect(answer.sw).toBe(SW.OK);
    this.expectClock(m, r);
  }
  toString(): string {
    return 'LOG OFF';
  }
}

class Challenge extends Step {
  async run(m: Model, r: Real): Promise<void> {
    const answer = await r.driver.raw(Uint8Array.from([0x00, 0x84, 0x00, 0x00, 0x08]));
    tick(m, this.rules);
    expect(answer.sw).toBe(SW.OK);
    expect(answer.data).toHaveLength(8);
    this.expectClock(m, r);
  }
  toString(): string {
    return 'GET CHALLENGE';
  }
}

class Reset extends Step {
  constructor(rules: Rules, private readonly powerCycle: boolean) {
    super(rules);
  }
  run(m: Model, r: Real): Promise<void> {
    if (this.powerCycle) {
      r.card.powerOff();
      r.card.powerOn();
    } else {
      r.card.reset();
    }
    m.clock = 0;
    m.pending = null;
    m.auth = false;
    m.env = null;
    this.expectClock(m, r);
    return Promise.resolve();
  }
  toString(): string {
    return this.powerCycle ? 'POWER OFF/ON' : 'RESET';
  }
}

/** Every command, weighted towards the sign flow (MSE, right VERIFY, PSO) so windows and rights get exercised. */
function steps(rules: Rules): fc.Arbitrary<Step>[] {
  const pso = fc.string({ maxLength: 12 }).map((message) => new Pso(rules, message));
  const mseUserKey = fc.constantFrom(BEID_KEY.AUTHENTICATION, BEID_KEY.NON_REPUDIATION).map((key) => new Mse(rules, key));
  const verifyRight = fc.constant(new Verify(rules, true));
  return [
    verifyRight,
    verifyRight,
    fc.constant(new Verify(rules, false)),
    fc.constant(new PinStatus(rules)),
    fc.tuple(fc.boolean(), fc.constantFrom(...PINS)).map(([right, next]) => new Change(rules, right, next)),
    mseUserKey,
    mseUserKey,
    fc.constantFrom(BEID_KEY.BASIC, 0x84).map((key) => new Mse(rules, key)),
    pso,
    pso,
    pso,
    fc.constant(new LogOff(rules)),
    fc.constant(new Challenge(rules)),
    fc.boolean().map((powerCycle) => new Reset(rules, powerCycle)),
  ];
}

describe.each(['beid-1.7', 'beid-1.8'] as const)('%s PIN and security rules against a reference model (fast-check commands)', (profile) => {
  const rules = rulesFor(profile);

  it('answers every command and keeps every retry counter as the model says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(steps(rules), { maxCommands: 60, size: 'max' }), async (cmds) => {
        const setup = () => {
          const card = createBeidCard(profile, PERSONA);
          const model: Model = { pin: loadBeidPersona(PERSONA).pin, tries: MAX_TRIES, pending: null, auth: false, env: null, clock: 0 };
          return { model, real: { card, driver: new BeidTestDriver(card) } };
        };
        await fc.asyncModelRun(setup, cmds);
      }),
      fcParams(100),
    );
  }, 120_000);
});
