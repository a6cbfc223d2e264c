import type { KeyObject } from 'node:crypto';
import { SW } from '../../../connector/protocol/index.js';
import {
  DIGEST_LENGTH,
  digestInfo,
  ecdsaSignDigest,
  reply,
  rsaPkcs1Capacity,
  rsaPkcs1Sign,
  rsaPssSignDigest,
  type CommandSpec,
  type SecurityState,
} from '../engine/index.js';
import type { BeidAccessRules } from './access.js';
import {
  BEID_KEY,
  INTERNAL_AUTH_CHALLENGE_TAG,
  INTERNAL_AUTH_LIMIT,
  MSE_DATA_LENGTH,
  MSE_SET_P1P2,
  MSE_TAG_ALGORITHM,
  MSE_TAG_KEY,
  PSO_CDS_P1P2,
} from './apdu.js';
import { INTERNAL_AUTH_ALGORITHMS, type BeidGeneration, type SignatureScheme } from './generation.js';

/** What the security commands work on. */
export interface SigningContext {
  readonly generation: BeidGeneration;
  /** The card's private keys by reference (81 on 1.8; 82/83 unless the card has no user keys). */
  readonly keys: ReadonlyMap<number, KeyObject>;
  readonly security: SecurityState;
  readonly access: BeidAccessRules;
  now(): number;
}

/** Uses of the basic key since the last right PIN; survives resets like the PIN counter. */
export class BasicKeyCounter {
  private used = 0;
  get exhausted(): boolean {
    return this.used >= INTERNAL_AUTH_LIMIT;
  }
  use(): void {
    this.used += 1;
  }
  restart(): void {
    this.used = 0;
  }
}

const p1p2 = (p1: number, p2: number): number => (p1 << 8) | p2;

/** MSE SET `00 22 41 B6 05 04 80 <alg> 84 <key>` (the first 04 is a length byte inside the data). */
export function mseSetCommand(ctx: SigningContext): CommandSpec {
  return {
    input: true,
    handle(cmd) {
      if (p1p2(cmd.p1, cmd.p2) !== MSE_SET_P1P2) return reply(SW.WRONG_P1P2);
      const d = cmd.data;
      if (d.length !== MSE_DATA_LENGTH) return reply(SW.WRONG_LENGTH);
      if (d[0] !== MSE_DATA_LENGTH - 1 || d[1] !== MSE_TAG_ALGORITHM || d[3] !== MSE_TAG_KEY) return reply(SW.WRONG_DATA);
      const algorithm = d[2]!;
      const keyReference = d[4]!;
      if (!ctx.generation.keyReferences.includes(keyReference) || !ctx.keys.has(keyReference)) return reply(SW.REFERENCE_DATA_NOT_FOUND);
      if (!ctx.generation.algorithms.has(algorithm)) return reply(SW.WRONG_DATA);
      ctx.security.environment = { algorithm, keyReference };
      return reply(SW.OK);
    },
  };
}

/**
 * PSO: COMPUTE DIGITAL SIGNATURE `00 2A 9E 9A Lc DTBS`: `6985` without a usable environment, `6700` for a
 * DTBS of the wrong length, `6982` when the PIN rule of the key is not met; else the signature (RSA
 * PKCS#1 v1.5 / PSS, or ECDSA r‖s).
 */
export function psoCdsCommand(ctx: SigningContext): CommandSpec {
  return {
    input: true,
    handle(cmd) {
      if (p1p2(cmd.p1, cmd.p2) !== PSO_CDS_P1P2) return reply(SW.INCORRECT_P1P2);
      const env = ctx.security.environment;
      const key = env === null ? undefined : ctx.keys.get(env.keyReference);
      const scheme = env === null ? undefined : ctx.generation.algorithms.get(env.algorithm);
      if (env === null || env.keyReference === BEID_KEY.BASIC || key === undefined || scheme === undefined) {
        return reply(SW.CONDITIONS_NOT_SATISFIED);
      }
      if (!fits(scheme, key, cmd.data.length)) return reply(SW.WRONG_LENGTH);
      const at = ctx.now();
      const allowed =
        env.keyReference === BEID_KEY.NON_REPUDIATION ? ctx.access.useNonRepudiationKey(at) : ctx.access.useAuthenticationKey(at);
      if (!allowed) return reply(SW.SECURITY_STATUS_NOT_SATISFIED);
      return reply(SW.OK, signWith(scheme, key, cmd.data));
    },
  };
}

/**
 * INTERNAL AUTHENTICATE (1.8) `00 88 <alg> 81 Lc 94 <len> <challenge>`: the basic key signs the challenge as
 * a digest of the length P1 names, no PIN; success clears the security environment.
 */
export function internalAuthenticateCommand(ctx: SigningContext, counter: BasicKeyCounter): CommandSpec {
  return {
    input: true,
    handle(cmd) {
      const key = ctx.keys.get(BEID_KEY.BASIC);
      if (cmd.p2 !== BEID_KEY.BASIC || key === undefined) return reply(SW.REFERENCE_DATA_NOT_FOUND);
      const length = INTERNAL_AUTH_ALGORITHMS.get(cmd.p1);
      const d = cmd.data;
      if (length === undefined || d.length !== 2 + length || d[0] !== INTERNAL_AUTH_CHALLENGE_TAG || d[1] !== length) {
        return reply(SW.WRONG_DATA);
      }
      if (counter.exhausted) return reply(SW.CONDITIONS_NOT_SATISFIED);
      counter.use();
      ctx.security.environment = null;
      return reply(SW.OK, ecdsaSignDigest(key, d.subarray(2)));
    },
  };
}

function fits(scheme: SignatureScheme, key: KeyObject, length: number): boolean {
  switch (scheme.kind) {
    case 'pkcs1-raw':
      return length >= 1 && length <= rsaPkcs1Capacity(key);
    case 'pkcs1':
    case 'pss':
      return length === DIGEST_LENGTH[scheme.hash];
    case 'ecdsa':
      return scheme.lengths.includes(length);
  }
}

function signWith(scheme: SignatureScheme, key: KeyObject, dtbs: Uint8Array): Buffer {
  switch (scheme.kind) {
    case 'pkcs1-raw':
      return rsaPkcs1Sign(key, dtbs);
    case 'pkcs1':
      return rsaPkcs1Sign(key, digestInfo(scheme.hash, dtbs));
    case 'pss':
      return rsaPssSignDigest(key, scheme.hash, dtbs);
    case 'ecdsa':
      return ecdsaSignDigest(key, dtbs);
  }
}
