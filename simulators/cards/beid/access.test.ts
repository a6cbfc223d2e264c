import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SW, isBytesAvailable, verifyFailed } from '../../../connector/protocol/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { BEID_KEY } from './apdu.js';
import { createBeidCard } from './card.js';
import { BeidTestDriver, type Answer } from './test-driver.js';

/**
 * The PIN / access-condition state machine of cards.md §1.7, as APDU sequences. A script is a list of steps:
 *   V verify (right PIN)   W wrong PIN   S status query (VERIFY Lc=0)   R read (READ BINARY)   L LOG OFF
 *   X reset   M2 / M3 MSE SET for key 82 / 83   P PSO:CDS (with GET RESPONSE when it succeeds)
 * A step ending in `!` must be refused with 6982; `?` must be 6985; any other step must succeed.
 */
const PERSONA = 'be-nl-adult';
const pin = loadBeidPersona(PERSONA).pin;
const WRONG = pin === '0000' ? '1111' : '0000';

const GENERATIONS = {
  'beid-1.7': { algorithm: 0x08, digest: createHash('sha256').update('to be signed').digest() },
  'beid-1.8': { algorithm: 0x02, digest: createHash('sha384').update('to be signed').digest() },
} as const;
type Profile = keyof typeof GENERATIONS;

async function step(driver: BeidTestDriver, profile: Profile, op: string): Promise<Answer> {
  const g = GENERATIONS[profile];
  switch (op) {
    case 'V':
      return driver.verify(pin);
    case 'W':
      return driver.verify(WRONG);
    case 'S':
      return driver.pinStatus();
    case 'R':
      return driver.readBinary(0, 1);
    case 'L':
      return driver.logOff();
    case 'X':
      driver.card.reset();
      return { data: Buffer.alloc(0), sw: SW.OK };
    case 'M2':
      return driver.mse(g.algorithm, BEID_KEY.AUTHENTICATION);
    case 'M3':
      return driver.mse(g.algorithm, BEID_KEY.NON_REPUDIATION);
    case 'P':
      return driver.sign(g.digest);
    default:
      throw new Error(`unknown step ${op}`);
  }
}

async function run(profile: Profile, script: string): Promise<void> {
  const driver = new BeidTestDriver(createBeidCard(profile, PERSONA));
  expect((await driver.selectPath('3F002F00')).sw).toBe(SW.OK); // so that R reads a file
  const tokens = script.split(/\s+/).filter(Boolean);
  for (const [i, token] of tokens.entries()) {
    const op = token.replace(/[!?]$/, '');
    const answer = await step(driver, profile, op);
    const where = `${profile} step ${i + 1} (${token}) of "${script}"`;
    if (token.endsWith('!')) expect(answer.sw, where).toBe(SW.SECURITY_STATUS_NOT_SATISFIED);
    else if (token.endsWith('?')) expect(answer.sw, where).toBe(SW.CONDITIONS_NOT_SATISFIED);
    else if (op === 'S') expect([SW.OK, verifyFailed(3)], where).toContain(answer.sw);
    else if (op === 'W') expect(answer.sw, where).toBe(verifyFailed(2));
    else expect(answer.sw === SW.OK || isBytesAvailable(answer.sw), `${where}: SW ${answer.sw.toString(16)}`).toBe(true);
  }
}

const BOTH: Profile[] = ['beid-1.7', 'beid-1.8'];

describe.each(BOTH)('%s: sequences that must pass', (profile) => {
  it.each([
    ['non-repudiation right after VERIFY (MSE before the VERIFY)', 'M3 V P'],
    ['VERIFY, …, VERIFY, PSO(83), …, PSO(82)', 'V R M3 V P R M2 P'],
    ['VERIFY, VERIFY, PSO(83), …, PSO(82): the first VERIFY counts for authentication', 'M3 V V P M2 P'],
    ['VERIFY, READ, PSO(82)', 'M2 V R P'],
    ['authentication key any time after one VERIFY', 'M2 V R R R S R P P P'],
    ['a status query does not cost the authentication right', 'M2 V R S P'],
    ['a new VERIFY after a wrong one restores the right', 'M2 V W V R P'],
    ['CHANGE-free: LOG OFF, then VERIFY again', 'M2 V P L M2 V R P'],
  ])('%s', (_, script) => run(profile, script));
});

describe.each(BOTH)('%s: sequences that must fail', (profile) => {
  it.each([
    ['VERIFY, PSO(83), …, PSO(82): a non-repudiation VERIFY grants no authentication', 'M3 V P M2 P!'],
    ['VERIFY, PSO(83), PSO(83): each signature consumes the VERIFY', 'M3 V P P!'],
    ['PSO(82) without VERIFY', 'M2 P!'],
    ['PSO(83) without VERIFY', 'M3 P!'],
    ['a wrong PIN clears the authentication right', 'M2 V P W P!'],
    ['LOG OFF clears the rights and the security environment', 'M2 V P L P? M2 P!'],
    ['a reset clears the rights and the security environment', 'M2 V P X P? M2 P!'],
    ['PSO without MSE SET', 'V P?'],
    ['VERIFY, READ, READ, PSO(83)', 'M3 V R R P!'],
  ])('%s', (_, script) => run(profile, script));
});

describe('the "PIN just before" window differs by generation', () => {
  it('1.7: PSO(83) must be the very next command', async () => {
    await run('beid-1.7', 'M3 V R P!');
    await run('beid-1.7', 'V M3 P!');
    await run('beid-1.7', 'M3 V S P!');
  });

  it('1.8: one command may come in between', async () => {
    await run('beid-1.8', 'M3 V R P');
    await run('beid-1.8', 'V M3 P');
    await run('beid-1.8', 'M3 V S P');
  });

  it('1.8: a VERIFY consumed by PSO(83) after a command in between still grants no authentication', async () => {
    await run('beid-1.8', 'M3 V R P M2 P!');
  });
});

describe('VERIFY status query (Lc=0)', () => {
  it.each(BOTH)('%s: 63Cx before, 9000 after VERIFY, 63Cx after LOG OFF, never costs a try', async (profile) => {
    const driver = new BeidTestDriver(createBeidCard(profile, PERSONA));
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(3));
    expect((await driver.verify(pin)).sw).toBe(SW.OK);
    expect((await driver.pinStatus()).sw).toBe(SW.OK);
    expect((await driver.pinStatus()).sw).toBe(SW.OK);
    expect((await driver.logOff()).sw).toBe(SW.OK);
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(3));
    expect((await driver.verify(WRONG)).sw).toBe(verifyFailed(2));
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(2));
    expect((await driver.pinStatus()).sw).toBe(verifyFailed(2));
  });
});
