/**
 * {@link Serializer}: JSON plus a {@link Signer} (`itsdangerous.serializer`).
 * @module
 */
import { BadPayload, BadSignature } from './errors.js';
import { type BytesLike, ownBytes, utf8DecodeStrict, utf8Encode, wantBytes } from './lib/bytes.js';
import { type PayloadSerializer, pythonJson } from './lib/json.js';
import { _makeKeysList, type SecretKey, Signer, type SignerOptions } from './signer.js';

export type { PayloadSerializer } from './lib/json.js';

/** Keyword arguments for the signer class (everything but the salt, which the serializer passes). */
export type SignerKwargs = Omit<SignerOptions, 'salt'> & {
  /** Clock for timestamp signers (epoch seconds); ignored by plain signers. */
  readonly now?: () => number;
};

/** A signer class: `Signer`, `TimestampSigner`, or a subclass. */
export type SignerClass<S extends Signer = Signer> = new (
  secretKey: SecretKey,
  options?: SignerOptions & { now?: () => number },
) => S;

/**
 * A fallback signer, tried when the main signer rejects a token (Python `fallback_signers`):
 * signer kwargs (used with the serializer's signer class), a `[SignerClass, kwargs]` pair,
 * or a bare class (used with the serializer's `signerKwargs`).
 */
export type FallbackSigner<S extends Signer = Signer> =
  | SignerKwargs
  | readonly [SignerClass<S>, SignerKwargs]
  | SignerClass<S>;

/** Options of {@link Serializer}, mirroring Python's keyword arguments. */
export interface SerializerOptions<S extends Signer = Signer> {
  /**
   * Default `'itsdangerous'`. `null` passes no salt to the signer, which then uses its own
   * default (`'itsdangerous.Signer'`).
   */
  salt?: BytesLike | null;
  /** Text serializer with `dumps`/`loads`; default: Python-compatible JSON. */
  serializer?: PayloadSerializer;
  /** Signer class; default `Signer` (`TimestampSigner` for the timed serializers). */
  signer?: SignerClass<S>;
  /** Options for the signer: `sep`, `keyDerivation`, `digestMethod`, `algorithm`, … */
  signerKwargs?: SignerKwargs;
  /** Signers to try after the main one fails, e.g. `[{ digestMethod: 'sha256' }]`. */
  fallbackSigners?: readonly FallbackSigner<S>[];
}

/** Per-call options of `dumps`/`loads`. */
export interface SaltOptions {
  /** Overrides the serializer's salt for this call (`null`/absent: the serializer's salt). */
  salt?: BytesLike | null;
}

/** Cache of built signers per salt (signers are immutable, so sharing them is safe). */
interface SignerSet<S> {
  readonly salt: Uint8Array | null;
  main?: S;
  all?: readonly S[];
}

/**
 * Where `dumps` assembles the signed token before turning it into text (a new array per call
 * was garbage, and off-heap above 64 bytes). Fits every payload of the URL-safe shared buffer
 * with a short separator, the longest timestamp and signature; larger tokens get their own array.
 */
const SIGN_SCRATCH = /* @__PURE__ */ new Uint8Array(4096);
/** Set while a `dumps` uses the shared buffers (its own and the URL-safe payload's). */
let dumpsScratchBusy = false;

const MAX_CACHED_SALTS = 16;
/** Cache keys: `d` for the serializer's own salt, `s…` (one char per byte) for a per-call salt. */
const DEFAULT_SALT_KEY = 'd';

function saltKey(salt: Uint8Array): string {
  let key = 's';
  for (const b of salt) key += String.fromCharCode(b);
  return key;
}

function isSignerPair<S extends Signer>(
  fallback: FallbackSigner<S>,
): fallback is readonly [SignerClass<S>, SignerKwargs] {
  return Array.isArray(fallback);
}

/**
 * @internal `serializer.loads(payload.decode("utf-8"))`, every failure wrapped in BadPayload
 * (Python wraps any exception of the serializer).
 */
export function _loadText(payload: Uint8Array, serializer: PayloadSerializer): unknown {
  try {
    return serializer.loads(utf8DecodeStrict(payload));
  } catch (error) {
    throw new BadPayload(
      'Could not load the payload because an exception occurred on unserializing the data.',
      {
        originalError: error,
        code: 'ERR_PAYLOAD_INVALID',
      },
    );
  }
}

/**
 * Serializes values to JSON and signs them (`itsdangerous.Serializer`).
 *
 * `dumps(value)` returns `json ‖ sep ‖ signature` as text, with Python's `json.dumps` default
 * formatting (`{"id": 42}`), so tokens match Python's byte for byte.
 */
export class Serializer<S extends Signer = Signer> {
  /** The text serializer used when none is given. */
  static defaultSerializer: PayloadSerializer = pythonJson;
  /** The signer class used when none is given. */
  static defaultSigner: SignerClass = Signer;
  /** The fallback signers used when none are given (none). */
  static defaultFallbackSigners: readonly FallbackSigner[] = [];

  /** Secret keys, oldest to newest. */
  readonly secretKeys: readonly Uint8Array[];
  /** The salt, or `null` to let the signer use its default. */
  readonly salt: Uint8Array | null;
  readonly serializer: PayloadSerializer;
  readonly signer: SignerClass<S>;
  readonly signerKwargs: Readonly<SignerKwargs>;
  readonly fallbackSigners: readonly FallbackSigner<S>[];
  readonly #signers = new Map<string, SignerSet<S>>();

  /**
   * Builds the signers once to check the options, so misuse fails here, not on first use.
   * @throws TypeError / RangeError for invalid options (see {@link Signer}).
   */
  constructor(secretKey: SecretKey, options: SerializerOptions<S> = {}) {
    const ctor = this.constructor as typeof Serializer;
    this.secretKeys = _makeKeysList(secretKey);
    this.salt =
      options.salt === undefined
        ? utf8Encode('itsdangerous')
        : options.salt === null
          ? null
          : ownBytes(options.salt, 'salt');
    const serializer = options.serializer ?? ctor.defaultSerializer;
    if (typeof serializer?.dumps !== 'function' || typeof serializer.loads !== 'function') {
      throw new TypeError('serializer must have dumps() and loads()');
    }
    this.serializer = serializer;
    this.signer = options.signer ?? (ctor.defaultSigner as SignerClass<S>);
    if (typeof this.signer !== 'function') throw new TypeError('signer must be a Signer class');
    const signerKwargs = { ...options.signerKwargs };
    if ('salt' in signerKwargs) {
      throw new TypeError('signerKwargs must not contain salt; pass salt to the serializer');
    }
    this.signerKwargs = Object.freeze(signerKwargs);
    this.fallbackSigners = Object.freeze([
      ...(options.fallbackSigners ?? (ctor.defaultFallbackSigners as readonly FallbackSigner<S>[])),
    ]);
    this.#checkSigners();
  }

  #checkSigners(): void {
    const salt = this.salt;
    new this.signer(this.secretKeys, { ...this.signerKwargs, salt });
    for (const fallback of this.fallbackSigners) {
      const [cls, kwargs] = this.#resolveFallback(fallback);
      if ('salt' in kwargs) throw new TypeError('fallback signer kwargs must not contain salt');
      new cls(this.secretKeys, { ...kwargs, salt });
    }
  }

  #resolveFallback(fallback: FallbackSigner<S>): readonly [SignerClass<S>, SignerKwargs] {
    if (typeof fallback === 'function') return [fallback, this.signerKwargs];
    if (isSignerPair(fallback)) return fallback;
    return [this.signer, fallback];
  }

  /** The newest (last) secret key. */
  get secretKey(): Uint8Array {
    return this.secretKeys[this.secretKeys.length - 1] as Uint8Array;
  }

  /**
   * Bytes → value through the text serializer (strict UTF-8 first).
   * @throws BadPayload `ERR_PAYLOAD_INVALID` with the original error.
   */
  loadPayload(payload: Uint8Array): unknown {
    return _loadText(payload, this.serializer);
  }

  /** Value → bytes (UTF-8 of the serializer's text). */
  dumpPayload(obj: unknown): Uint8Array {
    const text = this.serializer.dumps(obj);
    if (typeof text !== 'string') throw new TypeError('serializer.dumps must return a string');
    return utf8Encode(text);
  }

  /**
   * Builds a signer instance; the hook behind {@link makeSigner} and the fallbacks.
   * Subclasses may add options (the timed serializers add their clock).
   */
  protected _createSigner(
    cls: SignerClass<S>,
    secretKey: SecretKey,
    kwargs: SignerKwargs,
    salt: Uint8Array | null,
  ): S {
    return new cls(secretKey, { ...kwargs, salt });
  }

  #signerSet(salt: BytesLike | null | undefined): SignerSet<S> {
    const saltBytes = salt == null ? this.salt : ownBytes(salt, 'salt');
    const key = salt == null ? DEFAULT_SALT_KEY : saltKey(saltBytes as Uint8Array);
    let set = this.#signers.get(key);
    if (set === undefined) {
      if (this.#signers.size >= MAX_CACHED_SALTS) {
        const defaults = this.#signers.get(DEFAULT_SALT_KEY);
        this.#signers.clear();
        if (defaults) this.#signers.set(DEFAULT_SALT_KEY, defaults);
      }
      set = { salt: saltBytes };
      this.#signers.set(key, set);
    }
    return set;
  }

  /** The signer for `salt` (default: the serializer's salt), with all secret keys. */
  makeSigner(salt?: BytesLike | null): S {
    const set = this.#signerSet(salt);
    set.main ??= this._createSigner(this.signer, this.secretKeys, this.signerKwargs, set.salt);
    return set.main;
  }

  /**
   * The signers `loads` tries, in order: the main signer (all keys), then for each fallback
   * one signer per secret key, oldest first.
   */
  iterUnsigners(salt?: BytesLike | null): readonly S[] {
    const set = this.#signerSet(salt);
    if (set.all === undefined) {
      const all: S[] = [this.makeSigner(salt)];
      for (const fallback of this.fallbackSigners) {
        const [cls, kwargs] = this.#resolveFallback(fallback);
        for (const key of this.secretKeys) all.push(this._createSigner(cls, key, kwargs, set.salt));
      }
      set.all = Object.freeze(all);
    }
    return set.all;
  }

  /**
   * @internal {@link dumpPayload} for `dumps`, which signs the bytes and drops them at once:
   * the URL-safe serializers return a view of a buffer shared by every call (valid until the
   * next one). Called only while `dumps` holds that buffer (see {@link dumps}).
   */
  protected _dumpPayloadView(obj: unknown): Uint8Array {
    return this.dumpPayload(obj);
  }

  /** Serializes and signs `obj`; returns the token as text (signed with the newest key). */
  dumps(obj: unknown, options: SaltOptions = {}): string {
    const signer = this.makeSigner(options.salt);
    // The shared buffers are used only when no caller code can see them (the signer's own
    // sign and MAC), and not by a dumps nested in the JSON serializer or the clock.
    if (dumpsScratchBusy || !signer._signsIntoView()) {
      return utf8DecodeStrict(signer.sign(this.dumpPayload(obj)));
    }
    dumpsScratchBusy = true;
    try {
      const payload = this._dumpPayloadView(obj);
      return utf8DecodeStrict(signer._signView(payload, SIGN_SCRATCH) ?? signer.sign(payload));
    } finally {
      dumpsScratchBusy = false;
    }
  }

  /**
   * Verifies and loads a token. Each unsigner is tried in turn; a BadSignature moves on to
   * the next, any other error (BadPayload in particular) propagates at once.
   * @throws BadSignature (the last one) when no signer accepts the token; BadPayload when
   *   the signature is valid but the payload does not load.
   */
  loads(s: BytesLike, options: SaltOptions = {}): unknown {
    const bytes = wantBytes(s, 's');
    let lastError: BadSignature | undefined;
    for (const signer of this.iterUnsigners(options.salt)) {
      let value: Uint8Array;
      try {
        value = signer.unsign(bytes);
      } catch (error) {
        if (!(error instanceof BadSignature)) throw error;
        lastError = error;
        continue;
      }
      return this.loadPayload(value);
    }
    throw lastError as BadSignature;
  }

  /**
   * Like {@link loads} but does not require a valid signature: `[true, value]`, or
   * `[false, value]` for a bad signature whose payload still loads, or `[false, null]`.
   * **Debugging only.** Not total, as in Python: a *valid* signature over an undecodable
   * payload still throws BadPayload.
   */
  loadsUnsafe(s: BytesLike, options: SaltOptions = {}): [boolean, unknown] {
    return this._loadsUnsafeImpl(
      () => this.loads(s, options),
      (payload) => this.loadPayload(_payloadBytes(payload)),
    );
  }

  /**
   * Shared body of the `loadsUnsafe` variants (Python `_loads_unsafe_impl`): on BadSignature,
   * re-parse its payload; only a BadPayload from the re-parse is swallowed.
   */
  protected _loadsUnsafeImpl(
    load: () => unknown,
    reparse: (payload: unknown) => unknown,
  ): [boolean, unknown] {
    try {
      return [true, load()];
    } catch (error) {
      if (!(error instanceof BadSignature)) throw error;
      if (error.payload === null || error.payload === undefined) return [false, null];
      try {
        return [false, reparse(error.payload)];
      } catch (reparseError) {
        if (reparseError instanceof BadPayload) return [false, null];
        throw reparseError;
      }
    }
  }
}

/** @internal A BadSignature payload as bytes; anything else cannot be re-parsed (BadPayload). */
export function _payloadBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  throw new BadPayload('The payload is not bytes', { code: 'ERR_PAYLOAD_INVALID' });
}
