/**
 * Legacy JSON Web Signature serializers of itsdangerous ≤ 2.0 (`itsdangerous.jws`, deprecated
 * in 2.0 and removed in 2.1), exported as `@authbench/itsdangerous/legacy`.
 *
 * **For migration only**: read tokens issued by old Python services while moving to
 * {@link URLSafeTimedSerializer} or a maintained JWT library. Do not build new features on
 * these classes: they implement a tiny subset of JWS, and expiry lives in the header.
 * @module
 */
import { BadData, BadHeader, BadPayload, BadSignature, SignatureExpired } from './errors.js';
import { decodeLenient, encodedLength, encodeInto } from './lib/base64.js';
import { type BytesLike, ownBytes, utf8DecodeStrict, utf8Encode, wantBytes } from './lib/bytes.js';
import { compactJson, type PayloadSerializer } from './lib/json.js';
import { _loadText, type SaltOptions, Serializer, type SignerClass } from './serializer.js';
import {
  HMACAlgorithm,
  NoneAlgorithm,
  type SecretKey,
  type Signer,
  type SigningAlgorithm,
} from './signer.js';

/** Algorithm names of the legacy JWS serializers. */
export type JwsAlgorithmName = 'HS256' | 'HS384' | 'HS512' | 'none';

/** A decoded JWS header (a JSON object). */
export type JwsHeader = Record<string, unknown>;

/** Options of {@link JSONWebSignatureSerializer}. */
export interface JSONWebSignatureSerializerOptions {
  /**
   * Default `null`: **no key derivation**, the HMAC key is the raw secret (standard JWS). Any
   * salt, even `''`, derives the key as `SHA1(salt ‖ "signer" ‖ secret)` (not standard JWS).
   */
  salt?: BytesLike | null;
  /** Default `'HS512'` (it was `'HS256'` before itsdangerous 1.0). */
  algorithmName?: JwsAlgorithmName;
  /** Signer class; default `Signer`. */
  signer?: SignerClass;
}

/** Per-call options of {@link JSONWebSignatureSerializer.dumps}. */
export interface JwsDumpsOptions extends SaltOptions {
  /** Extra header fields; `alg` is always set (a given `alg` keeps its position, its value is replaced). */
  headerFields?: JwsHeader | null;
}

/** Per-call options of {@link JSONWebSignatureSerializer.loads}. */
export interface JwsLoadsOptions extends SaltOptions {
  /** Return `[payload, header]`. */
  returnHeader?: boolean;
}

const DOT = 0x2e;

function isJsonObject(value: unknown): value is JwsHeader {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function base64Text(json: string): Uint8Array {
  const bytes = utf8Encode(json);
  const out = new Uint8Array(encodedLength(bytes.length));
  encodeInto(bytes, out, 0);
  return out;
}

/**
 * JWS Compact Serialization with HMAC (`itsdangerous.JSONWebSignatureSerializer`, ≤ 2.0):
 * `base64(header) . base64(payload) . base64(signature)`, no compression.
 *
 * @deprecated For migration only: itsdangerous removed it in 2.1. Use
 * {@link URLSafeTimedSerializer}, or a JWT library for standard JWTs.
 */
export class JSONWebSignatureSerializer extends Serializer {
  /** The supported algorithms. */
  static jwsAlgorithms: Readonly<Record<JwsAlgorithmName, SigningAlgorithm>> = Object.freeze({
    HS256: new HMACAlgorithm('sha256'),
    HS384: new HMACAlgorithm('sha384'),
    HS512: new HMACAlgorithm('sha512'),
    none: new NoneAlgorithm(),
  });
  /** The algorithm used when none is given. */
  static defaultAlgorithm: JwsAlgorithmName = 'HS512';
  static override defaultSerializer: PayloadSerializer = compactJson;

  readonly algorithmName: JwsAlgorithmName;
  readonly algorithm: SigningAlgorithm;
  #mainSigner: Signer | undefined;

  /** @throws TypeError for an unsupported algorithm (Python: NotImplementedError). */
  constructor(secretKey: SecretKey, options: JSONWebSignatureSerializerOptions = {}) {
    super(secretKey, {
      salt: options.salt === undefined ? null : options.salt,
      ...(options.signer ? { signer: options.signer } : {}),
    });
    const ctor = this.constructor as typeof JSONWebSignatureSerializer;
    const name = options.algorithmName ?? ctor.defaultAlgorithm;
    this.algorithm = this.makeAlgorithm(name);
    this.algorithmName = name;
  }

  /** The algorithm object for a JWS algorithm name. */
  makeAlgorithm(algorithmName: string): SigningAlgorithm {
    const algorithms = (this.constructor as typeof JSONWebSignatureSerializer).jwsAlgorithms;
    if (!Object.hasOwn(algorithms, algorithmName)) throw new TypeError('Algorithm not supported');
    return algorithms[algorithmName as JwsAlgorithmName];
  }

  /**
   * The signer: separator `.`, the JWS algorithm, and key derivation `none` when the salt is
   * `null` (the default) or the signer's default (`django-concat`, SHA-1) otherwise.
   */
  override makeSigner(salt?: BytesLike | null, algorithm?: SigningAlgorithm): Signer {
    if (salt == null && algorithm === undefined) {
      this.#mainSigner ??= this.#buildSigner(this.salt, this.algorithm);
      return this.#mainSigner;
    }
    return this.#buildSigner(salt == null ? this.salt : ownBytes(salt, 'salt'), algorithm ?? this.algorithm);
  }

  #buildSigner(salt: Uint8Array | null, algorithm: SigningAlgorithm): Signer {
    return new this.signer(this.secretKeys, {
      salt,
      sep: '.',
      ...(salt === null ? { keyDerivation: 'none' as const } : {}),
      algorithm,
    });
  }

  /** The header for a new token: a copy of `headerFields` with `alg` set. */
  makeHeader(headerFields?: JwsHeader | null): JwsHeader {
    const header: JwsHeader = { ...headerFields };
    header.alg = this.algorithmName;
    return header;
  }

  /** `base64(header) . base64(payload)` (Python `dump_payload(header, obj)`; note the order). */
  override dumpPayload(obj: unknown, header: JwsHeader = this.makeHeader()): Uint8Array {
    const head = base64Text(this.serializer.dumps(header));
    const body = base64Text(this.serializer.dumps(obj));
    const out = new Uint8Array(head.length + 1 + body.length);
    out.set(head, 0);
    out[head.length] = DOT;
    out.set(body, head.length + 1);
    return out;
  }

  /** Signs `obj` with a fresh header; returns the token as text (Python returned bytes). */
  override dumps(obj: unknown, options: JwsDumpsOptions = {}): string {
    const header = this.makeHeader(options.headerFields);
    return utf8DecodeStrict(this.makeSigner(options.salt).sign(this.dumpPayload(obj, header)));
  }

  /**
   * Decodes `header.payload` (already verified or not).
   * @throws BadPayload (`ERR_PAYLOAD_SEPARATOR_MISSING`, `ERR_PAYLOAD_BASE64`, `ERR_PAYLOAD_INVALID`),
   *   BadHeader (`ERR_HEADER_BASE64`, `ERR_HEADER_MALFORMED`, `ERR_HEADER_NOT_OBJECT`).
   */
  override loadPayload(payload: Uint8Array, options: { returnHeader?: boolean } = {}): unknown {
    const [value, header] = this.#loadWithHeader(payload);
    return options.returnHeader ? [value, header] : value;
  }

  #loadWithHeader(payload: Uint8Array): [unknown, JwsHeader] {
    const dot = payload.indexOf(DOT);
    if (dot < 0) throw new BadPayload('No "." found in value', { code: 'ERR_PAYLOAD_SEPARATOR_MISSING' });
    const jsonHeader = decodeLenient(payload.subarray(0, dot));
    if (jsonHeader === null) {
      throw new BadHeader('Could not base64 decode the header because of an exception', {
        originalError: new BadData('Invalid base64-encoded data', { code: 'ERR_BASE64_INVALID' }),
        code: 'ERR_HEADER_BASE64',
      });
    }
    const jsonPayload = decodeLenient(payload.subarray(dot + 1));
    if (jsonPayload === null) {
      throw new BadPayload('Could not base64 decode the payload because of an exception', {
        originalError: new BadData('Invalid base64-encoded data', { code: 'ERR_BASE64_INVALID' }),
        code: 'ERR_PAYLOAD_BASE64',
      });
    }
    let header: unknown;
    try {
      header = _loadText(jsonHeader, compactJson);
    } catch (error) {
      if (!(error instanceof BadData)) throw error;
      throw new BadHeader('Could not unserialize header because it was malformed', {
        originalError: error,
        code: 'ERR_HEADER_MALFORMED',
      });
    }
    if (!isJsonObject(header)) {
      throw new BadHeader('Header payload is not a JSON object', { header, code: 'ERR_HEADER_NOT_OBJECT' });
    }
    return [_loadText(jsonPayload, this.serializer), header];
  }

  /**
   * Verifies and decodes a token; the header's `alg` must equal the configured algorithm
   * (a missing `alg` is a mismatch).
   * @throws BadSignature; BadHeader `ERR_ALGORITHM_MISMATCH` (and the header errors); BadPayload.
   */
  override loads(s: BytesLike, options: JwsLoadsOptions & { returnHeader: true }): [unknown, JwsHeader];
  override loads(s: BytesLike, options?: JwsLoadsOptions): unknown;
  override loads(s: BytesLike, options: JwsLoadsOptions = {}): unknown {
    const signed = this.makeSigner(options.salt).unsign(wantBytes(s, 's'));
    const [payload, header] = this.#loadWithHeader(signed);
    if (header.alg !== this.algorithmName) {
      throw new BadHeader('Algorithm mismatch', { header, payload, code: 'ERR_ALGORITHM_MISMATCH' });
    }
    return options.returnHeader ? [payload, header] : payload;
  }

  /** Like {@link loads} without requiring a valid signature (debugging only); see Serializer.loadsUnsafe. */
  override loadsUnsafe(s: BytesLike, options: JwsLoadsOptions = {}): [boolean, unknown] {
    const returnHeader = options.returnHeader ?? false;
    return this._loadsUnsafeImpl(
      () => this.loads(s, { salt: options.salt, returnHeader }),
      (payload) => this.loadPayload(reparseBytes(payload), { returnHeader }),
    );
  }
}

/**
 * What Python's `want_bytes(e.payload)` makes of a BadSignature payload: bytes stay, text is
 * encoded. Anything else (the decoded object of an expired timed token) cannot be re-parsed.
 */
function reparseBytes(payload: unknown): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  if (typeof payload === 'string') return utf8Encode(payload);
  throw new BadPayload('No "." found in value', { code: 'ERR_PAYLOAD_SEPARATOR_MISSING' });
}

/** Options of {@link TimedJSONWebSignatureSerializer}. */
export interface TimedJSONWebSignatureSerializerOptions extends JSONWebSignatureSerializerOptions {
  /** Lifetime written as `exp = iat + expiresIn`; default 3600 seconds. */
  expiresIn?: number;
  /** Clock in epoch seconds; default: `Date.now() / 1000` at call time. */
  now?: () => number;
}

/** Python `int(x)` for a decoded JSON value, or `null` where Python raises. */
function pyInt(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) || 0 : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value)) {
    return Number(value.replace(/_/g, '').trim()) || 0;
  }
  return null;
}

/** The last second Python's `datetime` can hold (9999-12-31T23:59:59Z). */
const MAX_TIMESTAMP = 253_402_300_799;
const MIN_TIMESTAMP = -62_135_596_800;

/**
 * {@link JSONWebSignatureSerializer} with `iat`/`exp` in the header
 * (`itsdangerous.TimedJSONWebSignatureSerializer`, ≤ 2.0).
 *
 * @deprecated For migration only: itsdangerous removed it in 2.1. Use
 * {@link URLSafeTimedSerializer} (with `maxAge`), or a JWT library for standard JWTs.
 */
export class TimedJSONWebSignatureSerializer extends JSONWebSignatureSerializer {
  static DEFAULT_EXPIRES_IN = 3600;

  readonly expiresIn: number;
  readonly #now: () => number;

  /** @throws TypeError / RangeError for invalid options. */
  constructor(secretKey: SecretKey, options: TimedJSONWebSignatureSerializerOptions = {}) {
    super(secretKey, options);
    const expiresIn =
      options.expiresIn ?? (this.constructor as typeof TimedJSONWebSignatureSerializer).DEFAULT_EXPIRES_IN;
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) {
      throw new RangeError('expiresIn must be a finite number of seconds');
    }
    this.expiresIn = expiresIn;
    const now = options.now ?? (() => Date.now() / 1000);
    if (typeof now !== 'function') throw new TypeError('now must be a function returning epoch seconds');
    this.#now = now;
  }

  /** The current time in whole epoch seconds. */
  now(): number {
    return Math.trunc(this.#now());
  }

  /** Adds `iat` (now) and `exp` (now + expiresIn) after `alg`. */
  override makeHeader(headerFields?: JwsHeader | null): JwsHeader {
    const header = super.makeHeader(headerFields);
    const iat = this.now();
    header.iat = iat;
    header.exp = iat + this.expiresIn;
    return header;
  }

  /**
   * Verifies, then checks `exp` (`exp == now` is still valid; `iat` is not checked).
   * @throws BadSignature `ERR_EXPIRY_MISSING`; BadHeader `ERR_EXPIRY_INVALID`; SignatureExpired
   *   (whose `payload` is the decoded value and `dateSigned` the `iat`).
   */
  override loads(s: BytesLike, options: JwsLoadsOptions & { returnHeader: true }): [unknown, JwsHeader];
  override loads(s: BytesLike, options?: JwsLoadsOptions): unknown;
  override loads(s: BytesLike, options: JwsLoadsOptions = {}): unknown {
    const [payload, header] = super.loads(s, { salt: options.salt, returnHeader: true });
    if (!Object.hasOwn(header, 'exp')) {
      throw new BadSignature('Missing expiry date', { payload, code: 'ERR_EXPIRY_MISSING' });
    }
    const exp = pyInt(header.exp);
    if (exp === null || exp < 0) {
      throw new BadHeader('Expiry date is not an IntDate', { payload, code: 'ERR_EXPIRY_INVALID' });
    }
    header.exp = exp;
    if (exp < this.now()) {
      throw new SignatureExpired('Signature expired', {
        payload,
        dateSigned: this.getIssueDate(header),
        code: 'ERR_SIGNATURE_EXPIRED',
      });
    }
    return options.returnHeader ? [payload, header] : payload;
  }

  /** The `iat` of a header as a Date, or `null` when it is not a number. */
  getIssueDate(header: JwsHeader): Date | null {
    const iat = header.iat;
    if (typeof iat !== 'number' && typeof iat !== 'boolean') return null;
    const ts = Math.trunc(Number(iat));
    return ts >= MIN_TIMESTAMP && ts <= MAX_TIMESTAMP ? new Date(ts * 1000) : null;
  }
}
