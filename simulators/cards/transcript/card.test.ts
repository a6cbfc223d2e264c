import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBiometric, readCertificateList, verifyPinOnCard } from '../../../connector/modules/beid/index.js';
import { encodePinBlock, fromHex, parseTranscript, toHex } from '../../../connector/protocol/index.js';
import { waitForReader } from '../../../connector/readers/backend-suite.js';
import { DEFAULT_BOUNDS, EmbeddedBackend, embeddedReaderName, type ReaderBackend } from '../../../connector/readers/index.js';
import { TranscriptRecorder } from '../../../connector/readers/recorder.js';
import { loadBeidPersona } from '../../../fixtures/personas/index.js';
import { createBeidCard } from '../beid/index.js';
import type { VirtualCard } from '../card.js';
import { CardLink } from '../../vpcd/card-link.js';
import { TranscriptCard } from './card.js';

async function withCard<T>(card: VirtualCard, run: (backend: ReaderBackend, readerId: string) => Promise<T>, recordDir?: string): Promise<T> {
  let backend: EmbeddedBackend | null = null;
  const recorder = recordDir ? new TranscriptRecorder(recordDir, () => backend) : null;
  backend = new EmbeddedBackend({ ports: [0] }, DEFAULT_BOUNDS, recorder?.trace);
  recorder?.attach(backend);
  await backend.start();
  const link = new CardLink(card, { port: backend.ports()[0]!, reconnect: false });
  try {
    await link.insert();
    const reader = await waitForReader(backend, embeddedReaderName(0), (r) => r.card !== null);
    return await run(backend, reader.id);
  } finally {
    await link.remove();
    await backend.stop();
  }
}

describe('record and replay', () => {
  it('records a BeID session with the PIN masked, and a transcript card answers the same calls the same way', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 't1c-record-'));
    try {
      const persona = loadBeidPersona('be-de-adult');
      const original = await withCard(
        createBeidCard('beid-1.7', 'be-de-adult'),
        async (backend, rid) => {
          const result = await backend.withSession(rid, async (ch) => ({ bio: (await readBiometric(ch)).biometric, certs: await readCertificateList(ch, []) }), { label: 'GET biometric+certs' });
          await backend.withSession(rid, (ch) => verifyPinOnCard(ch, Buffer.from(persona.pin)), { label: 'POST verify-pin' });
          return result;
        },
        dir,
      );
      await new Promise((r) => setImmediate(r));
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files).toHaveLength(1);
      const text = readFileSync(path.join(dir, files[0]!), 'utf8');
      const transcript = parseTranscript(JSON.parse(text));
      expect(transcript.atr).toBe('3B9813400AA503010101AD1311');
      expect(transcript.steps.some((s) => s.command === '00200001082A2A2A2A2A2A2A2A' && s.response === '9000' && s.note === 'POST verify-pin')).toBe(true);
      expect(text).not.toContain(persona.pin);
      expect(text.toUpperCase()).not.toContain(toHex(encodePinBlock(Buffer.from(persona.pin))));

      const replayed = await withCard(new TranscriptCard(transcript), (backend, rid) =>
        backend.withSession(rid, async (ch) => ({ bio: (await readBiometric(ch)).biometric, certs: await readCertificateList(ch, []) })),
      );
      expect(replayed).toEqual(original);

      const strict = new TranscriptCard(transcript, { mode: 'strict' });
      for (const step of transcript.steps) expect(toHex(strict.transmit(fromHex(step.command)))).toBe(step.response);
      expect(strict.complete).toBe(true);
      expect(toHex(strict.transmit(fromHex('00A4080C023F00')))).toBe('6F00');
      expect(strict.mismatches).toEqual([{ step: transcript.steps.length, expected: '(end of transcript)', actual: '00A4080C023F00' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers what was never recorded with the status words of a real card', () => {
    const card = new TranscriptCard(parseTranscript({ format: 't1c-lab/apdu-transcript@1', atr: '3B00', steps: [{ command: '00A4080C023F00', response: '9000' }] }));
    expect(toHex(card.transmit(fromHex('00A4080C023F01')))).toBe('6A80');
    expect(toHex(card.transmit(fromHex('00EE0000')))).toBe('6D00');
    expect(() => parseTranscript({ format: 'x', atr: '3B00', steps: [] })).toThrow(/format/);
  });
});

describe('transcript card context', () => {
  it('answers a SELECT whatever was selected before, and a READ BINARY by the file selected', () => {
    const card = new TranscriptCard(
      parseTranscript({
        format: 't1c-lab/apdu-transcript@1',
        atr: '3B00',
        steps: [
          { command: '00A4080C043F00DF00', response: '9000' },
          { command: '00A4080C063F00DF005031', response: '9000' },
          { command: '00B0000000', response: 'AA9000' },
          { command: '00A4080C063F00DF005032', response: '9000' },
          { command: '00B0000000', response: 'BB9000' },
        ],
      }),
    );
    expect(toHex(card.transmit(fromHex('00A4080C063F00DF005032')))).toBe('9000');
    expect(toHex(card.transmit(fromHex('00B0000000')))).toBe('BB9000');
    expect(toHex(card.transmit(fromHex('00A4080C063F00DF005031')))).toBe('9000');
    expect(toHex(card.transmit(fromHex('00B0000000')))).toBe('AA9000');
  });
});
