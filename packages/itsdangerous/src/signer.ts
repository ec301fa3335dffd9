/**
 * Signing algorithms and the {@link Signer} (`itsdangerous.signer`).
 * @module
 */
import { BadSignature } from './errors.js';
import { decodeCanonical, decodeLenient, encodedLength, encodeInto, encodeToBytes } from './lib/base64.js';
import {
  asciiIgnore,
  type BytesLike,
  concatBytes,
  containsBytes,
  EMPTY,
  isBytes,
  lastIndexOfBytes,
  ownBytes,
  pyBytesRepr,
  utf8Encode,
  wantBytes,
} from './lib/bytes.js';
import { constantTimeEqual } from './lib/constant-time.js';
import { type DigestMethod, type HashFunction, hmacOnce, KeyedHmac, resolveDigest } from './lib/digest.js';

export type { BytesLike } from './lib/bytes.js';
export type { DigestMethod, DigestName, HashFunction } from './lib/digest.js';

/**
 * One secret key, or a list of them ordered **oldest to newest**: the newest (last) signs,
 * every key verifies, newest first.
 */
export type SecretKey = BytesLike | Iterable<BytesLike>;

/** How the signing key is derived from the secret key and the salt (SPEC §3.2). */
export type KeyDerivation = 'concat' | 'django-concat' | 'hmac' | 'none';

const KEY_DERIVATIONS: ReadonlySet<string> = new Set<KeyDerivation>([
  'concat',
  'django-concat',
  'hmac',
  'none',
]);

/** A signing algorithm bound to one derived key (see {@link SigningAlgorithm.bindKey}). */
export interface BoundAlgorithm {
  /** The raw signature of `value`. */
  getSignature(value: Uint8Array): Uint8Array;
  /** Whether `sig` (raw bytes) is the signature of `value`, compared in constant time. */
  verifySignature(value: Uint8Array, sig: Uint8Array): boolean;
}

/**
 * Base of signing algorithms. Subclasses implement {@link getSignature}; {@link bindKey} may
 * be overridden to precompute per-key state (as {@link HMACAlgorithm} does).
 */
export abstract class SigningAlgorithm {
  /** The raw signature of `value` under `key`. */
  abstract getSignature(key: Uint8Array, value: Uint8Array): Uint8Array;

  /** Whether `sig` is the signature of `value` under `key` (constant-time comparison). */
  verifySignature(key: Uint8Array, value: Uint8Array, sig: Uint8Array): boolean {
    return constantTimeEqual(this.getSignature(key, value), sig);
  }

  /** This algorithm with `key` fixed. The default simply closes over `key`. */
  bindKey(key: Uint8Array): BoundAlgorithm {
    return {
      getSignature: (value) => this.getSignature(key, value),
      verifySignature: (value, sig) => this.verifySignature(key, value, sig),
    };
  }
}

/** No signing at all: the signature is empty (tokens end with the separator). */
export class NoneAlgorithm extends SigningAlgorithm {
  getSignature(_key: Uint8Array, _value: Uint8Array): Uint8Array {
    return new Uint8Array(0);
  }
}

/** HMAC with a digest (default SHA-1), through @noble/hashes. */
export class HMACAlgorithm extends SigningAlgorithm {
  /** The digest used when none is given (SHA-1, as in Python). */
  static defaultDigestMethod: DigestMethod = 'sha1';

  /** The digest, as given. */
  readonly digestMethod: DigestMethod;
  readonly #hash: HashFunction;

  constructor(digestMethod?: DigestMethod) {
    super();
    this.digestMethod = digestMethod ?? (this.constructor as typeof HMACAlgorithm).defaultDigestMethod;
    this.#hash = resolveDigest(this.digestMethod);
  }

  getSignature(key: Uint8Array, value: Uint8Array): Uint8Array {
    return hmacOnce(this.#hash, key, value);
  }

  /** Absorbs the key once; each message then clones the keyed HMAC state. */
  override bindKey(key: Uint8Array): BoundAlgorithm {
    const proto = HMACAlgorithm.prototype;
    if (this.getSignature !== proto.getSignature || this.verifySignature !== proto.verifySignature) {
      return super.bindKey(key); // a subclass changed the algorithm: honour it
    }
    return new BoundHmac(new KeyedHmac(this.#hash, key), typeof this.digestMethod === 'string');
  }
}

class BoundHmac implements BoundAlgorithm {
  readonly #mac: KeyedHmac;
  readonly #expected: Uint8Array;
  /** Length of the base64 text of a signature. */
  readonly encodedLength: number;
  /**
   * Whether the digest is one of this package's (a name), so no caller code sees the message:
   * a hash function passed in could keep the bytes it is given, which may be a shared buffer.
   */
  readonly builtinDigest: boolean;

  constructor(mac: KeyedHmac, builtinDigest: boolean) {
    this.#mac = mac;
    this.#expected = new Uint8Array(mac.outputLen);
    this.encodedLength = encodedLength(mac.outputLen);
    this.builtinDigest = builtinDigest;
  }

  /** Writes the base64 signature of `value` into `out` at `offset` (no array for the MAC). */
  encodeSignatureInto(value: Uint8Array, out: Uint8Array, offset: number): void {
    // Synchronous: the scratch MAC is encoded before anyone else can use it.
    this.#mac.digestInto(value, this.#expected);
    encodeInto(this.#expected, out, offset);
  }

  getSignature(value: Uint8Array): Uint8Array {
    return this.#mac.digest(value);
  }

  verifySignature(value: Uint8Array, sig: Uint8Array): boolean {
    this.#mac.digestInto(value, this.#expected);
    return constantTimeEqual(this.#expected, sig);
  }
}

/** Options of {@link Signer}, mirroring Python's keyword arguments. */
export interface SignerOptions {
  /**
   * Combined with the secret key to separate contexts. Default `'itsdangerous.Signer'`
   * (`null` means the default too). `''` is a real, empty salt.
   */
  salt?: BytesLike | null;
  /** Separator between value and signature; default `'.'`. Must not occur in `ASCII letters, digits, -_=`. */
  sep?: BytesLike;
  /** Default: the class's `defaultKeyDerivation` (`'django-concat'`). */
  keyDerivation?: KeyDerivation;
  /** Digest for key derivation and the default HMAC; default: the class's `defaultDigestMethod` (`'sha1'`). */
  digestMethod?: DigestMethod;
  /** Default `new HMACAlgorithm(digestMethod)`. With an explicit algorithm, `digestMethod` still drives key derivation. */
  algorithm?: SigningAlgorithm;
  /**
   * Accept non-canonical signature text the way Python does (padding, junk characters, `+/`,
   * non-zero unused bits). Default `false`: only the canonical unpadded URL-safe base64 of the
   * MAC is accepted, so each signature has exactly one spelling. Python never *produces*
   * non-canonical signatures, so the default only rejects hand-altered tokens.
   */
  lenientSignatures?: boolean;
}

const SEPARATOR_FORBIDDEN = /* @__PURE__ */ utf8Encode(
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=',
);
const SIGNER_BYTES = /* @__PURE__ */ utf8Encode('signer');

/** @internal Normalises a secret key (or list of keys) to a frozen list of private copies. */
export function _makeKeysList(secretKey: SecretKey): readonly Uint8Array[] {
  if (typeof secretKey === 'string' || isBytes(secretKey))
    return Object.freeze([ownBytes(secretKey, 'secretKey')]);
  if (secretKey == null || typeof (secretKey as Iterable<BytesLike>)[Symbol.iterator] !== 'function') {
    throw new TypeError('secretKey must be a string, a Uint8Array, or a list of them');
  }
  return Object.freeze(Array.from(secretKey, (key, i) => ownBytes(key, `secretKey[${i}]`)));
}

/**
 * Signs bytes and verifies them (`itsdangerous.Signer`).
 *
 * `sign(value)` returns `value ‖ sep ‖ base64(MAC(derivedKey, value))` and `unsign` reverses
 * it. Derived keys and keyed HMAC states are computed once per secret key and reused.
 *
 * @example
 * const s = new Signer('secret-key');
 * new TextDecoder().decode(s.sign('my string')); // 'my string.wh6tMHxLgJqB6oY1uT73iMlyrOA'
 */
export class Signer {
  /** The digest used when none is given (SHA-1, as in Python). */
  static defaultDigestMethod: DigestMethod = 'sha1';
  /** The key derivation used when none is given (`'django-concat'`, as in Python). */
  static defaultKeyDerivation: KeyDerivation = 'django-concat';

  /** Secret keys, oldest to newest. */
  readonly secretKeys: readonly Uint8Array[];
  readonly salt: Uint8Array;
  readonly sep: Uint8Array;
  readonly keyDerivation: KeyDerivation;
  readonly digestMethod: DigestMethod;
  readonly algorithm: SigningAlgorithm;
  readonly lenientSignatures: boolean;
  readonly #hash: HashFunction;
  /** The algorithm bound to the derived key of each secret key (same index), built lazily. */
  readonly #bound: (BoundAlgorithm | undefined)[];

  /**
   * @throws RangeError for an empty key list or a separator that may occur in a signature;
   *   TypeError for an unknown key derivation or digest, or arguments of the wrong type.
   */
  constructor(secretKey: SecretKey, options: SignerOptions = {}) {
    const ctor = this.constructor as typeof Signer;
    this.secretKeys = _makeKeysList(secretKey);
    if (this.secretKeys.length === 0) {
      throw new RangeError('secretKey: the key list is empty; at least one key is needed');
    }
    this.sep = ownBytes(options.sep ?? '.', 'sep');
    if (containsBytes(SEPARATOR_FORBIDDEN, this.sep)) {
      throw new RangeError(
        'The given separator cannot be used because it may be contained in the signature itself.' +
          " ASCII letters, digits, and '-_=' must not be used.",
      );
    }
    this.salt = options.salt == null ? utf8Encode('itsdangerous.Signer') : ownBytes(options.salt, 'salt');
    const keyDerivation = options.keyDerivation ?? ctor.defaultKeyDerivation;
    if (!KEY_DERIVATIONS.has(keyDerivation)) throw new TypeError('Unknown key derivation method');
    this.keyDerivation = keyDerivation;
    this.digestMethod = options.digestMethod ?? ctor.defaultDigestMethod;
    this.#hash = resolveDigest(this.digestMethod);
    const algorithm = options.algorithm ?? new HMACAlgorithm(this.digestMethod);
    if (!(algorithm instanceof SigningAlgorithm)) throw new TypeError('algorithm must be a SigningAlgorithm');
    this.algorithm = algorithm;
    this.lenientSignatures = options.lenientSignatures ?? false;
    this.#bound = new Array<BoundAlgorithm | undefined>(this.secretKeys.length);
  }

  /** The newest (last) secret key, which signs. */
  get secretKey(): Uint8Array {
    return this.secretKeys[this.secretKeys.length - 1] as Uint8Array;
  }

  /**
   * The signing key derived from `secretKey` (default: the newest) and the salt (SPEC §3.2).
   * Not a password hash: use long random secret keys.
   */
  deriveKey(secretKey?: BytesLike | null): Uint8Array {
    const key = secretKey == null ? this.secretKey : wantBytes(secretKey, 'secretKey');
    switch (this.keyDerivation) {
      case 'concat':
        return this.#hash(concatBytes(this.salt, key));
      case 'django-concat':
        return this.#hash(concatBytes(this.salt, SIGNER_BYTES, key));
      case 'hmac':
        return hmacOnce(this.#hash, key, this.salt);
      case 'none':
        return key;
      default:
        throw new TypeError('Unknown key derivation method');
    }
  }

  /**
   * @internal Whether verifying runs only this package's code: no subclass or custom algorithm
   * is handed the bytes (and could keep them), so callers may pass views of scratch buffers.
   */
  _verifiesInternally(): boolean {
    if (this.verifySignature !== Signer.prototype.verifySignature) return false;
    for (let i = 0; i < this.secretKeys.length; i++) {
      if (!(this.#boundAt(i) instanceof BoundHmac)) return false;
    }
    return true;
  }

  #boundAt(index: number): BoundAlgorithm {
    let bound = this.#bound[index];
    if (bound === undefined) {
      bound = this.algorithm.bindKey(this.deriveKey(this.secretKeys[index] as Uint8Array));
      this.#bound[index] = bound;
    }
    return bound;
  }

  /** The base64 signature of `value` with the newest key, as ASCII bytes. */
  getSignature(value: BytesLike): Uint8Array {
    return encodeToBytes(this.#boundAt(this.secretKeys.length - 1).getSignature(wantBytes(value)));
  }

  /** `value ‖ sep ‖ signature`, built in one allocation. */
  protected _signBytes(value: Uint8Array): Uint8Array {
    return this._signParts(value, EMPTY);
  }

  /**
   * `head ‖ tail ‖ sep ‖ signature` where the signature covers `head ‖ tail`, built in one
   * allocation when the algorithm is this package's HMAC (its signature length is known first).
   */
  protected _signParts(head: Uint8Array, tail: Uint8Array): Uint8Array {
    const bound = this.#boundAt(this.secretKeys.length - 1);
    if (bound instanceof BoundHmac) {
      const out = new Uint8Array(head.length + tail.length + this.sep.length + bound.encodedLength);
      this.#assemble(bound, head, tail, out);
      return out;
    }
    const sep = this.sep;
    const value = tail.length === 0 ? head : concatBytes(head, tail);
    const mac = bound.getSignature(value);
    const out = new Uint8Array(value.length + sep.length + encodedLength(mac.length));
    out.set(value, 0);
    out.set(sep, value.length);
    encodeInto(mac, out, value.length + sep.length);
    return out;
  }

  /** Writes `head ‖ tail ‖ sep ‖ signature` into `out`, which is exactly that long. */
  #assemble(bound: BoundHmac, head: Uint8Array, tail: Uint8Array, out: Uint8Array): void {
    const sep = this.sep;
    const signedLength = head.length + tail.length;
    out.set(head, 0);
    out.set(tail, head.length);
    bound.encodeSignatureInto(out.subarray(0, signedLength), out, signedLength + sep.length);
    out.set(sep, signedLength);
  }

  /**
   * @internal Whether {@link _signView} may be used: `sign` is this package's and so is the
   * whole MAC, so no caller code is handed the value (which may then be a shared buffer's view).
   */
  _signsIntoView(): boolean {
    if (this.sign !== Signer.prototype.sign || this._signBytes !== Signer.prototype._signBytes) return false;
    return this._newestHmacIsBuiltin();
  }

  /** @internal Whether the newest key signs with this package's HMAC on a named digest. */
  protected _newestHmacIsBuiltin(): boolean {
    const bound = this.#boundAt(this.secretKeys.length - 1);
    return bound instanceof BoundHmac && bound.builtinDigest;
  }

  /**
   * @internal {@link sign} written into `scratch` instead of a new array (dumps turns it into
   * text at once, so a fresh array per call was only garbage). Returns a view of `scratch`,
   * valid until its next use, or `null` when the signed value would not fit: then call `sign`.
   * Only after {@link _signsIntoView} said yes.
   */
  _signView(value: Uint8Array, scratch: Uint8Array): Uint8Array | null {
    return this._signPartsView(value, EMPTY, scratch);
  }

  /** {@link _signParts} into `scratch`, or `null` when it does not fit (see {@link _signView}). */
  protected _signPartsView(head: Uint8Array, tail: Uint8Array, scratch: Uint8Array): Uint8Array | null {
    const bound = this.#boundAt(this.secretKeys.length - 1);
    if (!(bound instanceof BoundHmac)) return null;
    const length = head.length + tail.length + this.sep.length + bound.encodedLength;
    if (length > scratch.length) return null;
    const out = scratch.subarray(0, length);
    this.#assemble(bound, head, tail, out);
    return out;
  }

  /** @internal Length of the signature text of the newest key, when this package's HMAC makes it. */
  protected _signatureTextLength(): number | null {
    const bound = this.#boundAt(this.secretKeys.length - 1);
    return bound instanceof BoundHmac ? bound.encodedLength : null;
  }

  /** Signs `value`: `value ‖ sep ‖ signature`. */
  sign(value: BytesLike): Uint8Array {
    return this._signBytes(wantBytes(value));
  }

  /**
   * Whether `sig` (base64 text) signs `value` under any key, newest first. Signature text that
   * does not decode returns `false`; so does non-canonical text unless `lenientSignatures`.
   */
  verifySignature(value: BytesLike, sig: BytesLike): boolean {
    let raw: Uint8Array | null;
    if (!this.lenientSignatures) raw = decodeCanonical(wantBytes(sig, 'sig'));
    // Python's base64_decode drops non-ASCII characters of text (bytes keep every byte).
    else raw = decodeLenient(typeof sig === 'string' ? asciiIgnore(sig) : wantBytes(sig, 'sig'));
    if (raw === null) return false;
    const bytes = wantBytes(value);
    for (let i = this.secretKeys.length - 1; i >= 0; i--) {
      if (this.#boundAt(i).verifySignature(bytes, raw)) return true;
    }
    return false;
  }

  /**
   * Verifies and strips the signature; returns the value.
   * @throws BadSignature `ERR_SEPARATOR_MISSING` (payload `null`) or `ERR_SIGNATURE_MISMATCH`
   *   (payload = the unverified value bytes).
   */
  unsign(signedValue: BytesLike): Uint8Array {
    const signed = wantBytes(signedValue, 'signedValue');
    return signed.slice(0, this._verifiedLength(signed));
  }

  /**
   * @internal {@link unsign} without the copy: how many leading bytes of `signed` are the
   * verified value. Subclasses that parse the value further (TimestampSigner) copy only the
   * part they return, once.
   */
  protected _verifiedLength(signed: Uint8Array): number {
    const sep = this.sep;
    const at = lastIndexOfBytes(signed, sep);
    if (at < 0) {
      throw new BadSignature(`No ${pyBytesRepr(sep)} found in value`, { code: 'ERR_SEPARATOR_MISSING' });
    }
    const sig = signed.subarray(at + sep.length);
    if (this.verifySignature(signed.subarray(0, at), sig)) return at;
    throw new BadSignature(`Signature ${pyBytesRepr(sig)} does not match`, {
      payload: signed.slice(0, at),
      code: 'ERR_SIGNATURE_MISMATCH',
    });
  }

  /** `true` if `unsign` succeeds; `false` on BadSignature (other errors propagate). */
  validate(signedValue: BytesLike): boolean {
    try {
      this.unsign(signedValue);
      return true;
    } catch (error) {
      if (error instanceof BadSignature) return false;
      throw error;
    }
  }
}
