import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseTranscript, type ApduTranscript } from '../../../connector/protocol/index.js';
import type { CardProfile } from '../../../fixtures/cards/index.js';
import { repoRoot } from '../../../fixtures/personas/index.js';
import { TranscriptCard } from './card.js';

const cache = new Map<string, ApduTranscript>();

/** The transcript a recorded profile replays (path relative to the repo root), parsed and checked once. */
export function loadTranscript(file: string): ApduTranscript {
  let t = cache.get(file);
  if (!t) {
    t = parseTranscript(JSON.parse(readFileSync(path.join(repoRoot(), file), 'utf8')));
    cache.set(file, t);
  }
  return t;
}

/** A fresh transcript card for a recorded profile (matched by command, so suites may call in any order). */
export function createTranscriptCard(profile: CardProfile): TranscriptCard {
  if (!profile.transcript) throw new Error(`profile ${profile.id} has no transcript`);
  return new TranscriptCard(loadTranscript(profile.transcript.file), { profile: profile.id });
}
