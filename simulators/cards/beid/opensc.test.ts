import { X509Certificate, createHash, verify } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SW, decodeResponse, encodePinBlock, fromHex, toHex } from '../../../connector/protocol/index.js';
import { caCertificates, personaKeys } from '../../../fixtures/pki/index.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { loadSmartcard, waitForCardState } from '../../lab/pcsc-watch.js';
import { writeLabOpenScConf } from '../../lab/opensc-conf.js';
import { openPcscTestLab, type TestLab } from '../../lab/test-lab.js';
import type { VirtualCard } from '../card.js';
import { createBeidCard, type BeidCard } from './card.js';

/**
 * OpenSC 0.23 (Debian) as an independent judge of the simulator, over the real stack:
 * OpenSC → libpcsclite → pcscd → vpcd → TCP → BeidCard (cards.md §1.9, §1.10).
 */
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const TOOL_TIMEOUT_MS = 60_000;

interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let lab: TestLab;
let work: string;
let env: NodeJS.ProcessEnv;

/** Runs an OpenSC tool with the private config (no file cache) and HOME; never throws on a non-zero exit. */
function tool(command: string, args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: TOOL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
    });
  });
}

const pkcs11 = (...args: string[]) => tool('pkcs11-tool', ['--module', PKCS11_MODULE, ...args]);

/** Inserts the card into reader 0, waits until pcscd reports it, runs `use`, removes it and waits for pcscd to see that. */
async function withCard<T>(card: VirtualCard, use: () => Promise<T>): Promise<T> {
  const reader = lab.readers[0]!;
  await lab.insert(reader.index, card);
  await waitForCardState(reader.name, { present: true, atr: card.atr });
  try {
    return await use();
  } finally {
    await lab.remove(reader.index);
    await waitForCardState(reader.name, { present: false });
  }
}

/** pkcs15-tool --dump, split into its objects: header line (e.g. `Private RSA Key [Signature]`) → its field lines. */
function dumpObjects(dump: string): Map<string, string> {
  const objects = new Map<string, string>();
  for (const block of dump.split(/\n(?=\S)/)) {
    const [header, ...fields] = block.split('\n');
    objects.set(header!.trim(), fields.join('\n'));
  }
  return objects;
}

/** Reads a certificate through OpenSC's PKCS#11 module, as DER. */
async function certificateViaPkcs11(id: string): Promise<Buffer> {
  const file = path.join(work, `cert-${id}.der`);
  const result = await pkcs11('--read-object', '--type', 'cert', '--id', id, '--output-file', file);
  expect(result.code, result.stderr).toBe(0);
  const der = readFileSync(file);
  rmSync(file);
  return der;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 't1c-opensc-'));
  env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, OPENSC_CONF: writeLabOpenScConf(work) };
  lab = await openPcscTestLab({ readers: 1 });
}, 240_000);

afterAll(async () => {
  await lab?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('beid-1.7 (RSA 2048) under OpenSC', () => {
  const personaId = 'be-nl-adult';
  const persona = loadBeidPersona(personaId);
  const keys = personaKeys(personaId, 'rsa')!;
  const expectedCertificates: Record<string, Buffer> = {
    '02': keys.authentication.certificate,
    '03': keys.nonRepudiation.certificate,
    '04': caCertificates().citizenCa,
    '06': caCertificates().root,
  };

  it('is a Belpic card whose PKCS#15 structure lists the PIN, both keys and four certificates (real 6Cxx EOF)', async () => {
    await withCard(createBeidCard('beid-1.7', personaId, { eofMode: 'exact' }), async () => {
      const name = await tool('opensc-tool', ['--reader', '0', '--atr', '--name']);
      expect(name.code, name.stderr).toBe(0);
      expect(name.stdout).toContain('3b:98:13:40:0a:a5:03:01:01:01:ad:13:11');
      expect(name.stdout).toContain('Belpic cards');

      const dump = await tool('pkcs15-tool', ['--reader', '0', '--dump']);
      expect(dump.code, dump.stderr).toBe(0);
      expect(dump.stdout).toContain('PKCS#15 Card [BELPIC]');
      expect(dump.stdout).toContain(`Serial number  : ${toHex(persona.chipNumbers['beid-1.7']).toLowerCase()}`);
      expect(dump.stdout).toMatch(/PIN \[Basic PIN\][\s\S]*Reference\s+: 1 \(0x01\)/);
      const objects = dumpObjects(dump.stdout);
      for (const [label, ref] of [
        ['Authentication', '0x82'],
        ['Signature', '0x83'],
      ]) {
        const key = objects.get(`Private RSA Key [${label}]`);
        expect(key, label).toMatch(/ModLength\s+: 2048/);
        expect(key, label).toMatch(new RegExp(`Key ref\\s+: \\d+ \\(${ref}\\)`));
      }
      expect(dump.stdout.match(/X\.509 Certificate \[/g)).toHaveLength(4);
      for (const label of ['Authentication', 'Signature', 'CA', 'Root']) expect(dump.stdout).toContain(`X.509 Certificate [${label}]`);
    });
  });

  it('hands out the persona certificates byte for byte through PKCS#11, without login', async () => {
    await withCard(createBeidCard('beid-1.7', personaId, { eofMode: 'short' }), async () => {
      const listing = await pkcs11('--list-objects', '--type', 'cert');
      expect(listing.code, listing.stderr).toBe(0);
      expect(listing.stdout.match(/Certificate Object/g)).toHaveLength(4);
      for (const [id, der] of Object.entries(expectedCertificates)) {
        expect(toHex(await certificateViaPkcs11(id)), `certificate ${id}`).toBe(toHex(der));
      }
    });
  });

  it('signs SHA256-RSA-PKCS with the authentication key after login; openssl verifies it with the certificate key', async () => {
    await withCard(createBeidCard('beid-1.7', personaId, { eofMode: 'short' }), async () => {
      const data = path.join(work, 'data.bin');
      const signature = path.join(work, 'data.sig');
      const publicKey = path.join(work, 'auth.pub.pem');
      writeFileSync(data, 'signed through OpenSC by the BeID simulator');
      writeFileSync(publicKey, new X509Certificate(keys.authentication.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
      const signed = await pkcs11('--login', '--pin', persona.pin, '--sign', '--id', '02', '--mechanism', 'SHA256-RSA-PKCS', '--input-file', data, '--output-file', signature);
      expect(signed.code, signed.stderr).toBe(0);
      expect(readFileSync(signature)).toHaveLength(256);
      const checked = await tool('openssl', ['dgst', '-sha256', '-verify', publicKey, '-signature', signature, data]);
      expect(checked.stdout.trim()).toBe('Verified OK');
      expect(verify('sha256', readFileSync(data), readFileSync(publicKey), readFileSync(signature))).toBe(true);
    });
  });

  it('counts wrong PINs down (63C2, 63C1, 63C0) and then reports the PIN locked, even for the right PIN', async () => {
    const card: BeidCard = createBeidCard('beid-1.7', personaId, { eofMode: 'short' });
    const wrong = persona.pin === '9999' ? '8888' : '9999';
    await withCard(card, async () => {
      for (const left of [2, 1, 0]) {
        const login = await pkcs11('--login', '--pin', wrong, '--list-objects');
        expect(login.code).not.toBe(0);
        // The card answers 63C2, 63C1, 63C0: OpenSC reports each as an incorrect PIN.
        expect(login.stderr + login.stdout).toContain('CKR_PIN_INCORRECT');
        expect(card.pinTriesLeft).toBe(left);
      }
      for (const pin of [wrong, persona.pin]) {
        const login = await pkcs11('--login', '--pin', pin, '--list-objects');
        expect(login.code).not.toBe(0);
        expect(login.stderr + login.stdout).toContain('CKR_PIN_LOCKED');
      }
      expect(card.pinTriesLeft).toBe(0);
    });
  });

  it('shows the persona identity through eidenv', async () => {
    await withCard(createBeidCard('beid-1.7', personaId, { eofMode: 'short' }), async () => {
      // eidenv exits 1 and prints the street empty whatever the card (its own bugs, cards.md §1.10): not asserted.
      const out = (await tool('eidenv', ['--reader', '0', '--print'])).stdout;
      const id = persona.identity;
      const fields: Record<string, string> = {
        BELPIC_CARDNUMBER: id.cardNumber,
        BELPIC_VALIDFROM: id.validityBegin,
        BELPIC_VALIDTILL: id.validityEnd,
        BELPIC_DELIVERINGMUNICIPALITY: id.issuingMunicipality,
        BELPIC_NATIONALNUMBER: id.nationalNumber,
        BELPIC_NAME: id.surname,
        BELPIC_FIRSTNAMES: id.firstNames,
        BELPIC_INITIAL: id.thirdInitial,
        BELPIC_NATIONALITY: id.nationality,
        BELPIC_BIRTHLOCATION: id.birthPlace,
        BELPIC_BIRTHDATE: id.birthDate,
        BELPIC_SEX: id.sex,
        BELPIC_DOCUMENTTYPE: id.documentType,
        BELPIC_SPECIALSTATUS: id.specialStatus,
        BELPIC_ZIPCODE: persona.address.zip,
        BELPIC_MUNICIPALITY: persona.address.municipality,
      };
      for (const [name, value] of Object.entries(fields)) expect(out, name).toContain(`${name}: ${value}\n`);
    });
  });
});

describe('beid-1.8 (EC P-384) under OpenSC', () => {
  const personaId = 'be-fr-adult';
  const persona = loadBeidPersona(personaId);
  const keys = personaKeys(personaId, 'ec')!;

  it('is a Belpic card with two 384-bit EC keys and four certificates, byte-identical through PKCS#11', async () => {
    await withCard(createBeidCard('beid-1.8', personaId, { eofMode: 'short' }), async () => {
      const name = await tool('opensc-tool', ['--reader', '0', '--name']);
      expect(name.stdout).toContain('Belpic cards');
      const dump = await tool('pkcs15-tool', ['--reader', '0', '--dump']);
      expect(dump.code, dump.stderr).toBe(0);
      const objects = dumpObjects(dump.stdout);
      for (const label of ['Authentication', 'Signature']) expect(objects.get(`Private EC Key [${label}]`), label).toMatch(/FieldLength\s+: 384/);
      expect(dump.stdout.match(/X\.509 Certificate \[/g)).toHaveLength(4);
      const expected: Record<string, Buffer> = {
        '02': keys.authentication.certificate,
        '03': keys.nonRepudiation.certificate,
        '04': caCertificates().citizenCa,
        '06': caCertificates().root,
      };
      for (const [id, der] of Object.entries(expected)) expect(toHex(await certificateViaPkcs11(id)), `certificate ${id}`).toBe(toHex(der));
    });
  });

  it('signs ECDSA P-384 through pcscd (OpenSC 0.23 cannot): VERIFY, MSE SET, PSO:CDS, GET RESPONSE', async () => {
    await withCard(createBeidCard('beid-1.8', personaId), async () => {
      const message = Buffer.from('signed over PC/SC by the 1.8 simulator');
      const digest = createHash('sha384').update(message).digest();
      const pcsc = await loadSmartcard();
      const context = new pcsc.Context();
      try {
        const reader = context.listReaders().find((r) => r.name === lab.readers[0]!.name)!;
        const card = await reader.connect(pcsc.SCARD_SHARE_SHARED, pcsc.SCARD_PROTOCOL_T0);
        const send = async (apdu: Uint8Array) => decodeResponse(await card.transmit(Buffer.from(apdu), { autoGetResponse: false }));
        try {
          expect((await send(Buffer.concat([fromHex('0020000108'), encodePinBlock(Buffer.from(persona.pin))]))).sw).toBe(SW.OK);
          expect((await send(fromHex('002241B6050480028482'))).sw).toBe(SW.OK);
          expect((await send(Buffer.concat([fromHex('002A9E9A30'), digest]))).sw).toBe(0x6160);
          const signature = await send(fromHex('00C0000060'));
          expect(signature.sw).toBe(SW.OK);
          const certificateKey = new X509Certificate(keys.authentication.certificate).publicKey;
          expect(verify('sha384', message, { key: certificateKey, dsaEncoding: 'ieee-p1363' }, signature.data)).toBe(true);
        } finally {
          // LEAVE, not RESET: the binding's disconnect is synchronous, and a reset needs the card — which answers
          // from this very process, whose event loop that call would block.
          card.disconnect(pcsc.SCARD_LEAVE_CARD);
        }
      } finally {
        context.close();
      }
    });
  });
});
