/**
 * The exception tree of itsdangerous (`exc.py`), with a machine-readable `code`.
 *
 * ```
 * BadData
 * ├─ BadSignature            payload
 * │  ├─ BadTimeSignature     dateSigned
 * │  │  └─ SignatureExpired
 * │  └─ BadHeader            header, originalError   (legacy JWS only)
 * └─ BadPayload              originalError
 * ```
 *
 * These are raised for untrusted input only. Programmer mistakes (an unknown option, an empty
 * key list, a separator that can appear in a signature) throw TypeError or RangeError instead.
 * @module
 */

/** Codes of {@link SignatureExpired}: too old, or (with `maxAge`) signed in the future. */
export type SignatureExpiredCode = 'ERR_SIGNATURE_EXPIRED' | 'ERR_SIGNATURE_IN_FUTURE';

/** Codes of {@link BadTimeSignature} and its subclass. */
export type BadTimeSignatureCode =
  | SignatureExpiredCode
  | 'ERR_SIGNATURE_MISMATCH'
  | 'ERR_TIMESTAMP_MISSING'
  | 'ERR_TIMESTAMP_MALFORMED';

/** Codes of {@link BadHeader} (legacy JWS). */
export type BadHeaderCode =
  | 'ERR_HEADER_BASE64'
  | 'ERR_HEADER_MALFORMED'
  | 'ERR_HEADER_NOT_OBJECT'
  | 'ERR_ALGORITHM_MISMATCH'
  | 'ERR_EXPIRY_INVALID';

/** Codes of {@link BadSignature} and its subclasses. */
export type BadSignatureCode =
  | BadTimeSignatureCode
  | BadHeaderCode
  | 'ERR_SEPARATOR_MISSING'
  | 'ERR_SIGNATURE_MISMATCH'
  | 'ERR_EXPIRY_MISSING';

/** Codes of {@link BadPayload}. */
export type BadPayloadCode =
  | 'ERR_PAYLOAD_BASE64'
  | 'ERR_PAYLOAD_DECOMPRESS'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_PAYLOAD_INVALID'
  | 'ERR_PAYLOAD_SEPARATOR_MISSING';

/** Every code a {@link BadData} can carry. */
export type BadDataCode = BadSignatureCode | BadPayloadCode | 'ERR_BASE64_INVALID';

/** The Python class names, which are also the `name` of each error. */
export type BadDataName =
  | 'BadData'
  | 'BadSignature'
  | 'BadTimeSignature'
  | 'SignatureExpired'
  | 'BadHeader'
  | 'BadPayload';

/**
 * Raised for bad data of any sort; the base of every itsdangerous error. Python: `BadData`.
 * `message` is the Python message (it may contain Python reprs such as `b'.'`).
 */
export class BadData extends Error {
  override name: BadDataName = 'BadData';
  readonly code: BadDataCode;

  constructor(message: string, options: { code?: BadDataCode; cause?: unknown } = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = options.code ?? 'ERR_BASE64_INVALID';
  }
}

/** Options of {@link BadSignature}. */
export interface BadSignatureOptions {
  /**
   * The part that failed the check: the signed bytes (`Uint8Array`) for signers and
   * serializers, or `null` when there is none (separator missing).
   */
  payload?: unknown;
  code?: BadSignatureCode;
  cause?: unknown;
}

/** A signature does not match. Python: `BadSignature`. */
export class BadSignature extends BadData {
  override name: BadDataName = 'BadSignature';
  declare readonly code: BadSignatureCode;
  /**
   * The payload that failed the signature test; it may still be inspected (it was **not**
   * verified). Bytes (`Uint8Array`) from signers and serializers, `null` when absent; for the
   * legacy JWS serializers, the decoded JSON value.
   */
  readonly payload: unknown;

  constructor(message: string, options: BadSignatureOptions = {}) {
    super(message, { code: options.code ?? 'ERR_SIGNATURE_MISMATCH', ...causeOf(options) });
    this.payload = options.payload ?? null;
  }
}

/** Options of {@link BadTimeSignature}. */
export interface BadTimeSignatureOptions extends BadSignatureOptions {
  /** When the payload was signed, if the timestamp could be read. */
  dateSigned?: Date | null;
  code?: BadTimeSignatureCode;
}

/**
 * A time-based signature is invalid. Python: `BadTimeSignature`. On a signature mismatch
 * `dateSigned` is read from the (unverified, attacker-controlled) token.
 */
export class BadTimeSignature extends BadSignature {
  override name: BadDataName = 'BadTimeSignature';
  declare readonly code: BadTimeSignatureCode;
  /** When the payload was signed (UTC), or `null`. */
  readonly dateSigned: Date | null;

  constructor(message: string, options: BadTimeSignatureOptions = {}) {
    super(message, { ...options, code: options.code ?? 'ERR_SIGNATURE_MISMATCH' });
    this.dateSigned = options.dateSigned ?? null;
  }
}

/** The signature is valid but older than `maxAge` (or from the future). Python: `SignatureExpired`. */
export class SignatureExpired extends BadTimeSignature {
  override name: BadDataName = 'SignatureExpired';
  declare readonly code: SignatureExpiredCode;

  constructor(message: string, options: BadTimeSignatureOptions & { code?: SignatureExpiredCode } = {}) {
    super(message, { ...options, code: options.code ?? 'ERR_SIGNATURE_EXPIRED' });
  }
}

/** Options of {@link BadHeader}. */
export interface BadHeaderOptions extends BadSignatureOptions {
  header?: unknown;
  originalError?: unknown;
  code?: BadHeaderCode;
}

/** A signed header is invalid (legacy JWS only). Python: `BadHeader`. */
export class BadHeader extends BadSignature {
  override name: BadDataName = 'BadHeader';
  declare readonly code: BadHeaderCode;
  /** The decoded header, when it could be decoded. */
  readonly header: unknown;
  /** Why the header could not be read, if that is the reason (also in `cause`). */
  readonly originalError: unknown;

  constructor(message: string, options: BadHeaderOptions = {}) {
    const { originalError } = options;
    super(message, {
      ...options,
      code: options.code ?? 'ERR_HEADER_MALFORMED',
      ...(originalError !== undefined && !('cause' in options) ? { cause: originalError } : {}),
    });
    this.header = options.header ?? null;
    this.originalError = originalError ?? null;
  }
}

/** Options of {@link BadPayload}. */
export interface BadPayloadOptions {
  originalError?: unknown;
  code?: BadPayloadCode;
}

/**
 * The payload could not be decoded (base64, zlib, UTF-8, JSON, size limit). Python:
 * `BadPayload`. This is raised *after* a valid signature too: a signed token whose payload
 * does not load is still an error.
 */
export class BadPayload extends BadData {
  override name: BadDataName = 'BadPayload';
  declare readonly code: BadPayloadCode;
  /** The error that made loading fail (also in `cause`), or `null`. */
  readonly originalError: unknown;

  constructor(message: string, options: BadPayloadOptions = {}) {
    const { originalError } = options;
    super(message, {
      code: options.code ?? 'ERR_PAYLOAD_INVALID',
      ...(originalError !== undefined ? { cause: originalError } : {}),
    });
    this.originalError = originalError ?? null;
  }
}

function causeOf(options: { cause?: unknown }): { cause?: unknown } {
  return 'cause' in options ? { cause: options.cause } : {};
}
