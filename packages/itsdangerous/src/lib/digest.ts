/**
 * The digest table: hashlib names → @noble/hashes functions, plus keyed HMAC state that is
 * built once per key and cloned per message.
 * @module
 */
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';

/** The digests itsdangerous users pass as `digest_method` (hashlib names). */
export type DigestName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

/**
 * A hash function in the @noble/hashes shape (`sha256` from `@noble/hashes/sha2.js`, etc.),
 * for digests outside {@link DigestName}.
 */
export type HashFunction = CHash;

/** A digest: a hashlib name or a noble-compatible hash function. */
export type DigestMethod = DigestName | HashFunction;

const DIGESTS: Readonly<Record<DigestName, HashFunction>> = {
  sha1,
  sha224,
  sha256,
  sha384,
  sha512,
  md5,
};

/** Names accepted for `digestMethod`. */
export const DIGEST_NAMES: readonly DigestName[] = Object.freeze(Object.keys(DIGESTS) as DigestName[]);

/**
 * Resolves a digest option to a hash function.
 * @throws TypeError for an unknown name or a value that is not a hash function.
 */
export function resolveDigest(digest: DigestMethod): HashFunction {
  if (typeof digest === 'string') {
    if (Object.hasOwn(DIGESTS, digest)) return DIGESTS[digest];
    throw new TypeError(
      `Unknown digest method ${JSON.stringify(digest)}; expected one of ${DIGEST_NAMES.join(', ')}`,
    );
  }
  if (
    typeof digest === 'function' &&
    typeof digest.create === 'function' &&
    Number.isInteger(digest.outputLen) &&
    Number.isInteger(digest.blockLen)
  ) {
    return digest;
  }
  throw new TypeError('digestMethod must be a digest name or a @noble/hashes-style hash function');
}

/** HMAC(key, message) with a one-shot state. */
export function hmacOnce(hash: HashFunction, key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(hash, key, message);
}

/** The parts of noble's `_HMAC` used here. */
interface MacState {
  update(data: Uint8Array): unknown;
  digestInto(out: Uint8Array): void;
  _cloneInto(to?: MacState): MacState;
}

/**
 * HMAC with a fixed key. The key schedule (inner and outer padded blocks) is absorbed once;
 * each message clones that state into a reused scratch object, so signing a message costs
 * only the message blocks and two finalisations.
 */
export class KeyedHmac {
  readonly outputLen: number;
  readonly #base: MacState;
  #scratch: MacState | undefined;

  constructor(hash: HashFunction, key: Uint8Array) {
    const base: MacState = hmac.create(hash, key);
    this.#base = base;
    this.outputLen = hash.outputLen;
  }

  /** Writes HMAC(key, message) into `out` (at least {@link outputLen} bytes). */
  digestInto(message: Uint8Array, out: Uint8Array): void {
    // Synchronous and non-reentrant: the scratch state is fully used before anyone else can.
    const mac = this.#base._cloneInto(this.#scratch);
    this.#scratch = mac;
    mac.update(message);
    mac.digestInto(out);
  }

  /** HMAC(key, message) as a new array. */
  digest(message: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.outputLen);
    this.digestInto(message, out);
    return out;
  }
}
