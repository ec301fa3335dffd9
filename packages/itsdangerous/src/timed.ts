/**
 * Time-based signing: {@link TimestampSigner} and {@link TimedSerializer} (`itsdangerous.timed`).
 * @module
 */
import { _bytesToIntOrNull, intToBytes } from './encoding.js';
import { BadSignature, BadTimeSignature, SignatureExpired } from './errors.js';
import { decodeLenient, encodedLength, encodeInto } from './lib/base64.js';
import { type BytesLike, concatBytes, EMPTY, lastIndexOfBytes, wantBytes } from './lib/bytes.js';
import {
  _payloadBytes,
  type FallbackSigner,
  type SaltOptions,
  Serializer,
  type SerializerOptions,
  type SignerClass,
  type SignerKwargs,
} from './serializer.js';
import { type SecretKey, Signer, type SignerOptions } from './signer.js';

/** The real clock: epoch seconds, read at call time. */
function systemClock(): number {
  return Date.now() / 1000;
}

const encoder = /* @__PURE__ */ new TextEncoder();
/**
 * Where {@link TimedSerializer.loads} encodes a text token when only this package's code will
 * see the bytes: encoding into it costs a fifth of allocating a new array (which V8 keeps
 * off-heap above 64 bytes). All use is synchronous; the flag keeps a nested loads (from a
 * user's clock or JSON serializer) off it.
 */
const TOKEN_SCRATCH = /* @__PURE__ */ new Uint8Array(4096);
/** Longest text that surely fits TOKEN_SCRATCH as UTF-8 (3 bytes per UTF-16 code unit at most). */
const TOKEN_SCRATCH_CHARS = TOKEN_SCRATCH.length / 3;
let tokenScratchBusy = false;

/** The last second Python's `datetime` can hold (9999-12-31T23:59:59Z). */
const MAX_TIMESTAMP = 253_402_300_799;
/** Longest base64 text of a signed timestamp: `int_to_bytes` gives at most 8 bytes. */
const MAX_TIMESTAMP_CHARS = 11;
/** The first second Python's `datetime` can hold (0001-01-01T00:00:00Z). */
const MIN_TIMESTAMP = -62_135_596_800;

/** @internal What {@link TimestampSigner._unsignTimed} verified. */
export interface TimedValue {
  /** The value: a view into the signed bytes, not a copy. */
  readonly value: Uint8Array;
  /** Seconds since the epoch. */
  readonly timestamp: number;
}

/** Options of {@link TimestampSigner}. */
export interface TimestampSignerOptions extends SignerOptions {
  /** Clock in epoch seconds (fractions are truncated); default: `Date.now() / 1000` at call time. */
  now?: () => number;
}

/** Options of {@link TimestampSigner.unsign}. */
export interface TimedUnsignOptions {
  /**
   * Maximum age in seconds. `age > maxAge` or a timestamp in the future (`age < 0`) throws
   * SignatureExpired. `null`/absent: no age check at all (future timestamps pass too).
   */
  maxAge?: number | null;
  /** Return `[value, dateSigned]` instead of the value. */
  returnTimestamp?: boolean;
}

function checkMaxAge(maxAge: number | null | undefined): void {
  if (maxAge == null) return;
  if (typeof maxAge !== 'number' || Number.isNaN(maxAge)) {
    throw new RangeError('maxAge must be a number of seconds (or null)');
  }
}

/** ts → Date, or null outside Python's datetime range. */
function toDateOrNull(ts: number | bigint): Date | null {
  if (typeof ts === 'bigint' || ts > MAX_TIMESTAMP) return null;
  return new Date(ts * 1000);
}

/**
 * A {@link Signer} that also signs the time (`itsdangerous.TimestampSigner`):
 * `value ‖ sep ‖ base64(int_to_bytes(now)) ‖ sep ‖ signature`. A timestamp signer token is
 * also a valid plain Signer token for the same key and salt; use distinct salts.
 */
export class TimestampSigner extends Signer {
  readonly #now: () => number;

  constructor(secretKey: SecretKey, options: TimestampSignerOptions = {}) {
    super(secretKey, options);
    const now = options.now ?? systemClock;
    if (typeof now !== 'function') throw new TypeError('now must be a function returning epoch seconds');
    this.#now = now;
  }

  /** The current time in whole epoch seconds (`int(time.time())`). */
  getTimestamp(): number {
    return Math.trunc(this.#now());
  }

  /**
   * A timestamp as a Date (UTC).
   * @throws RangeError outside years 1–9999 (or NaN), like Python's datetime.
   */
  timestampToDate(ts: number): Date {
    if (!(ts >= MIN_TIMESTAMP && ts <= MAX_TIMESTAMP))
      throw new RangeError(`timestamp ${ts} is out of range`);
    return new Date(ts * 1000);
  }

  /**
   * Signs `value` with the current time.
   * @throws RangeError if the clock reads before 1970 (Python: struct.error).
   */
  override sign(value: BytesLike): Uint8Array {
    const tail = this.#timestampTail();
    // A subclass that changed _signBytes gets it, on the assembled value, as before.
    if (this._signBytes !== TimestampSigner.prototype._signBytes) {
      return this._signBytes(concatBytes(wantBytes(value), tail));
    }
    return this._signParts(wantBytes(value), tail);
  }

  /** `sep ‖ base64(int_to_bytes(now))`, reading the clock. */
  #timestampTail(): Uint8Array {
    const timestamp = intToBytes(this.getTimestamp());
    const sep = this.sep;
    const tail = new Uint8Array(sep.length + encodedLength(timestamp.length));
    tail.set(sep, 0);
    encodeInto(timestamp, tail, sep.length);
    return tail;
  }

  override _signsIntoView(): boolean {
    if (
      this.sign !== TimestampSigner.prototype.sign ||
      this._signBytes !== TimestampSigner.prototype._signBytes
    ) {
      return false;
    }
    return this._newestHmacIsBuiltin();
  }

  /** {@link sign} into `scratch` (see Signer `_signView`); the size is checked before the clock is read. */
  override _signView(value: Uint8Array, scratch: Uint8Array): Uint8Array | null {
    const signature = this._signatureTextLength();
    if (signature === null) return null;
    const longest = value.length + 2 * this.sep.length + MAX_TIMESTAMP_CHARS + signature;
    if (longest > scratch.length) return null;
    return this._signPartsView(value, this.#timestampTail(), scratch);
  }

  /**
   * Verifies the signature and, with `maxAge`, the age.
   * @throws BadSignature when the signature is bad and no timestamp can be split off;
   *   BadTimeSignature (`ERR_SIGNATURE_MISMATCH` with the unverified `dateSigned`,
   *   `ERR_TIMESTAMP_MISSING`, `ERR_TIMESTAMP_MALFORMED`); SignatureExpired
   *   (`ERR_SIGNATURE_EXPIRED`, `ERR_SIGNATURE_IN_FUTURE`).
   */
  override unsign(
    signedValue: BytesLike,
    options: TimedUnsignOptions & { returnTimestamp: true },
  ): [Uint8Array, Date];
  override unsign(
    signedValue: BytesLike,
    options?: TimedUnsignOptions & { returnTimestamp?: false },
  ): Uint8Array;
  override unsign(signedValue: BytesLike, options?: TimedUnsignOptions): Uint8Array | [Uint8Array, Date];
  override unsign(signedValue: BytesLike, options: TimedUnsignOptions = {}): Uint8Array | [Uint8Array, Date] {
    const { maxAge, returnTimestamp = false } = options;
    checkMaxAge(maxAge);
    const signed = wantBytes(signedValue, 'signedValue');
    const unsigned = this._unsignTimed(signed, maxAge, maxAge != null || returnTimestamp);
    const value = unsigned.value.slice();
    return returnTimestamp ? [value, new Date(unsigned.timestamp * 1000)] : value;
  }

  /**
   * @internal The work of {@link unsign} without its copies: the value as a view into `signed`
   * and the timestamp as a number. `checkRange` (Python: whenever a datetime is built) rejects
   * timestamps past year 9999. `maxAge` must already be checked. Errors carry copies.
   */
  _unsignTimed(signed: Uint8Array, maxAge: number | null | undefined, checkRange: boolean): TimedValue {
    let result: Uint8Array;
    let sigError: BadSignature | null = null;
    try {
      result = signed.subarray(0, this._verifiedLength(signed));
    } catch (error) {
      if (!(error instanceof BadSignature)) throw error;
      sigError = error;
      result = error.payload instanceof Uint8Array ? error.payload : EMPTY;
    }

    const sep = this.sep;
    const at = lastIndexOfBytes(result, sep);
    if (at < 0) {
      if (sigError) throw sigError;
      throw new BadTimeSignature('timestamp missing', {
        payload: result.slice(),
        code: 'ERR_TIMESTAMP_MISSING',
      });
    }
    const value = result.subarray(0, at);
    const tsBytes = decodeLenient(result.subarray(at + sep.length));
    const ts = tsBytes === null ? null : _bytesToIntOrNull(tsBytes);

    if (sigError) {
      let dateSigned: Date | null = null;
      if (ts !== null) {
        dateSigned = toDateOrNull(ts);
        if (dateSigned === null) {
          throw new BadTimeSignature('Malformed timestamp', {
            payload: value.slice(),
            code: 'ERR_TIMESTAMP_MALFORMED',
            cause: sigError,
          });
        }
      }
      throw new BadTimeSignature(sigError.message, {
        payload: value.slice(),
        dateSigned,
        code: 'ERR_SIGNATURE_MISMATCH',
        cause: sigError,
      });
    }

    if (ts === null) {
      throw new BadTimeSignature('Malformed timestamp', {
        payload: value.slice(),
        code: 'ERR_TIMESTAMP_MALFORMED',
      });
    }
    if (!checkRange) return { value, timestamp: Number(ts) };

    // A validly signed timestamp past year 9999: Python raises a plain ValueError here.
    if (typeof ts === 'bigint' || ts > MAX_TIMESTAMP) {
      throw new BadTimeSignature('Malformed timestamp', {
        payload: value.slice(),
        code: 'ERR_TIMESTAMP_MALFORMED',
      });
    }
    if (maxAge != null) {
      const age = this.getTimestamp() - ts;
      if (age > maxAge) {
        throw new SignatureExpired(`Signature age ${age} > ${maxAge} seconds`, {
          payload: value.slice(),
          dateSigned: new Date(ts * 1000),
          code: 'ERR_SIGNATURE_EXPIRED',
        });
      }
      if (age < 0) {
        throw new SignatureExpired(`Signature age ${age} < 0 seconds`, {
          payload: value.slice(),
          dateSigned: new Date(ts * 1000),
          code: 'ERR_SIGNATURE_IN_FUTURE',
        });
      }
    }
    return { value, timestamp: ts };
  }

  /** `true` if `unsign` succeeds; `false` on any BadSignature (including expiry). */
  override validate(signedValue: BytesLike, options: { maxAge?: number | null } = {}): boolean {
    try {
      this.unsign(signedValue, { maxAge: options.maxAge });
      return true;
    } catch (error) {
      if (error instanceof BadSignature) return false;
      throw error;
    }
  }
}

/** The class of a fallback entry, when it names one. */
function fallbackClass(fallback: FallbackSigner<TimestampSigner>): SignerClass<TimestampSigner> | undefined {
  if (typeof fallback === 'function') return fallback;
  if (Array.isArray(fallback)) return (fallback as readonly [SignerClass<TimestampSigner>, unknown])[0];
  return undefined;
}

/** Options of {@link TimedSerializer}. */
export interface TimedSerializerOptions extends SerializerOptions<TimestampSigner> {
  /** Clock in epoch seconds for signing and checking; default: `Date.now() / 1000` at call time. */
  now?: () => number;
}

/** Per-call options of {@link TimedSerializer.loads}. */
export interface TimedLoadsOptions extends SaltOptions {
  /** Maximum age in seconds; see {@link TimedUnsignOptions.maxAge}. */
  maxAge?: number | null;
  /** Return `[value, dateSigned]`. */
  returnTimestamp?: boolean;
}

/**
 * A {@link Serializer} signing with a {@link TimestampSigner} (`itsdangerous.TimedSerializer`),
 * so `loads` can enforce a maximum age.
 */
export class TimedSerializer extends Serializer<TimestampSigner> {
  static override defaultSigner: SignerClass<TimestampSigner> = TimestampSigner;

  readonly #now: (() => number) | undefined;

  constructor(secretKey: SecretKey, options: TimedSerializerOptions = {}) {
    super(secretKey, options);
    for (const cls of [this.signer, ...this.fallbackSigners.map(fallbackClass)]) {
      if (cls !== undefined && !(cls === TimestampSigner || cls.prototype instanceof TimestampSigner)) {
        throw new TypeError('the signers of a timed serializer must be TimestampSigner classes');
      }
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('now must be a function returning epoch seconds');
    }
    this.#now = options.now;
  }

  protected override _createSigner(
    cls: SignerClass<TimestampSigner>,
    secretKey: SecretKey,
    kwargs: SignerKwargs,
    salt: Uint8Array | null,
  ): TimestampSigner {
    const now = kwargs.now ?? this.#now;
    return new cls(secretKey, now === undefined ? { ...kwargs, salt } : { ...kwargs, now, salt });
  }

  /**
   * Verifies, checks the age, and loads. A SignatureExpired is thrown at once (fallback
   * signers are not tried); other BadSignature errors move on to the next unsigner.
   */
  override loads(s: BytesLike, options: TimedLoadsOptions & { returnTimestamp: true }): [unknown, Date];
  override loads(s: BytesLike, options?: TimedLoadsOptions): unknown;
  override loads(s: BytesLike, options: TimedLoadsOptions = {}): unknown {
    const given = typeof s === 'string' ? null : wantBytes(s, 's');
    const unsigners = this.iterUnsigners(options.salt);
    if (
      given === null &&
      typeof s === 'string' &&
      s.length <= TOKEN_SCRATCH_CHARS &&
      !tokenScratchBusy &&
      this._loadPayloadIsOwn() &&
      unsigners.every((u) => u.unsign === TimestampSigner.prototype.unsign && u._verifiesInternally())
    ) {
      tokenScratchBusy = true;
      try {
        const { written } = encoder.encodeInto(s, TOKEN_SCRATCH);
        return this.#loadBytes(TOKEN_SCRATCH.subarray(0, written), unsigners, options, true);
      } finally {
        tokenScratchBusy = false;
      }
    }
    return this.#loadBytes(given ?? wantBytes(s, 's'), unsigners, options, this._loadPayloadIsOwn());
  }

  /**
   * @internal Whether {@link loadPayload} is this package's: it reads the bytes at once and
   * keeps nothing, so it may be handed a view instead of a copy.
   */
  protected _loadPayloadIsOwn(): boolean {
    return this.loadPayload === Serializer.prototype.loadPayload;
  }

  /** `loads` on bytes; `ownLoader`: loadPayload may get a view (see {@link _loadPayloadIsOwn}). */
  #loadBytes(
    bytes: Uint8Array,
    unsigners: readonly TimestampSigner[],
    options: TimedLoadsOptions,
    ownLoader: boolean,
  ): unknown {
    const { maxAge, returnTimestamp = false } = options;
    let lastError: BadSignature | undefined;
    for (const signer of unsigners) {
      let value: Uint8Array;
      let dateSigned: Date | number;
      try {
        if (signer.unsign === TimestampSigner.prototype.unsign) {
          // Our own unsign: skip its copy of the value and its Date unless one is returned.
          checkMaxAge(maxAge);
          const unsigned = signer._unsignTimed(bytes, maxAge, true);
          value = ownLoader ? unsigned.value : unsigned.value.slice();
          dateSigned = unsigned.timestamp;
        } else {
          [value, dateSigned] = signer.unsign(bytes, { maxAge, returnTimestamp: true });
        }
      } catch (error) {
        if (error instanceof SignatureExpired || !(error instanceof BadSignature)) throw error;
        lastError = error;
        continue;
      }
      const payload = this.loadPayload(value);
      if (!returnTimestamp) return payload;
      return [payload, typeof dateSigned === 'number' ? new Date(dateSigned * 1000) : dateSigned];
    }
    throw lastError as BadSignature;
  }

  /** {@link Serializer.loadsUnsafe} with an age check; an expired token gives `[false, value]`. */
  override loadsUnsafe(
    s: BytesLike,
    options: Omit<TimedLoadsOptions, 'returnTimestamp'> = {},
  ): [boolean, unknown] {
    const { maxAge, salt } = options;
    return this._loadsUnsafeImpl(
      () => this.loads(s, { maxAge, salt }),
      (payload) => this.loadPayload(_payloadBytes(payload)),
    );
  }
}
