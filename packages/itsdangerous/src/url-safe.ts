/**
 * URL-safe serializers (`itsdangerous.url_safe`): compact JSON, zlib-compressed when that
 * saves at least 2 bytes (then prefixed with `.`), URL-safe base64.
 * @module
 */
import { BadData, BadPayload } from './errors.js';
import { decodeLenient, encodedLength, encodeInto } from './lib/base64.js';
import { utf8Encode } from './lib/bytes.js';
import { compactJson, type PayloadSerializer } from './lib/json.js';
import { InflateLimitExceeded, zlibCompress, zlibDecompressBounded } from './lib/zlib.js';
import { Serializer, type SerializerOptions } from './serializer.js';
import type { SecretKey } from './signer.js';
import { TimedSerializer, type TimedSerializerOptions } from './timed.js';

/** Default {@link URLSafeOptions.maxPayloadBytes}: 1 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

const DOT = 0x2e;

/** Options the URL-safe serializers add. */
export interface URLSafeOptions {
  /**
   * Largest decompressed payload accepted, in bytes (default 1 MiB). Inflating past it stops
   * at once and throws BadPayload `ERR_PAYLOAD_TOO_LARGE`. Python has no such limit.
   */
  maxPayloadBytes?: number;
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_MAX_PAYLOAD_BYTES;
  if (
    typeof limit !== 'number' ||
    !(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0))
  ) {
    throw new RangeError('maxPayloadBytes must be a non-negative integer or Infinity');
  }
  return limit;
}

/**
 * Where the JSON text is UTF-8 encoded on its way to compression and base64: both read it and
 * write their own arrays, all synchronously, after the user's serializer has returned, so one
 * buffer serves every call and dumps allocates no array for the JSON bytes.
 */
const ENCODE_SCRATCH = /* @__PURE__ */ new Uint8Array(2048);
/** Longest text that surely fits ENCODE_SCRATCH as UTF-8 (3 bytes per UTF-16 code unit at most). */
const ENCODE_SCRATCH_CHARS = ENCODE_SCRATCH.length / 3;
const textEncoder = /* @__PURE__ */ new TextEncoder();

/**
 * Where `dumps` writes the payload's base64 when it signs it at once (Serializer
 * `_dumpPayloadView`): an array of this size per call was garbage, and V8 keeps arrays over
 * 64 bytes off-heap, which made them cost more than the HMAC. Big enough for any JSON text
 * that fits ENCODE_SCRATCH, compressed or not.
 */
const PAYLOAD_SCRATCH = /* @__PURE__ */ new Uint8Array(1 + Math.ceil((ENCODE_SCRATCH.length * 4) / 3));

/**
 * `URLSafeSerializerMixin.dump_payload`: the serializer's text, then {@link _encodeUrlSafePayload}
 * (into `into` when given and large enough).
 */
function dumpUrlSafe(serializer: PayloadSerializer, obj: unknown, into?: Uint8Array): Uint8Array {
  const text = serializer.dumps(obj);
  if (typeof text !== 'string') throw new TypeError('serializer.dumps must return a string');
  if (text.length > ENCODE_SCRATCH_CHARS) return _encodeUrlSafePayload(utf8Encode(text), into);
  const { written } = textEncoder.encodeInto(text, ENCODE_SCRATCH);
  return _encodeUrlSafePayload(ENCODE_SCRATCH.subarray(0, written), into);
}

/**
 * @internal `URLSafeSerializerMixin.dump_payload` after the JSON step. With `into` large
 * enough, the result is a view of it; otherwise a new array.
 */
export function _encodeUrlSafePayload(json: Uint8Array, into?: Uint8Array): Uint8Array {
  const compressed = zlibCompress(json);
  if (compressed.length < json.length - 1) {
    const out = outputArray(1 + encodedLength(compressed.length), into);
    out[0] = DOT;
    encodeInto(compressed, out, 1);
    return out;
  }
  const out = outputArray(encodedLength(json.length), into);
  encodeInto(json, out, 0);
  return out;
}

function outputArray(length: number, into: Uint8Array | undefined): Uint8Array {
  return into !== undefined && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
}

/**
 * Where uncompressed payloads are decoded: the JSON step turns them into text at once, so one
 * buffer serves every call (all of this is synchronous) and loads allocates no byte array for
 * the payload. Larger payloads get their own array.
 */
const DECODE_SCRATCH = /* @__PURE__ */ new Uint8Array(2048);

/**
 * @internal `URLSafeSerializerMixin.load_payload` before the JSON step. An uncompressed
 * payload may come back as a view of a shared buffer: use it before the next call.
 */
export function _decodeUrlSafePayload(payload: Uint8Array, maxBytes: number): Uint8Array {
  const compressed = payload.length > 0 && payload[0] === DOT;
  const decoded = compressed ? decodeLenient(payload.subarray(1)) : decodeLenient(payload, DECODE_SCRATCH);
  if (decoded === null) {
    throw new BadPayload('Could not base64 decode the payload because of an exception', {
      originalError: new BadData('Invalid base64-encoded data', { code: 'ERR_BASE64_INVALID' }),
      code: 'ERR_PAYLOAD_BASE64',
    });
  }
  if (!compressed) return decoded;
  try {
    return zlibDecompressBounded(decoded, maxBytes);
  } catch (error) {
    if (error instanceof InflateLimitExceeded) {
      throw new BadPayload(
        `Could not zlib decompress the payload: it exceeds maxPayloadBytes (${maxBytes})`,
        {
          originalError: error,
          code: 'ERR_PAYLOAD_TOO_LARGE',
        },
      );
    }
    throw new BadPayload('Could not zlib decompress the payload before decoding the payload', {
      originalError: error,
      code: 'ERR_PAYLOAD_DECOMPRESS',
    });
  }
}

/** Options of {@link URLSafeSerializer}. */
export interface URLSafeSerializerOptions extends SerializerOptions, URLSafeOptions {}

/**
 * A {@link Serializer} whose tokens are URL-safe: `base64(json)` or `.base64(zlib(json))`,
 * compact JSON (`{"id":42}`). `itsdangerous.URLSafeSerializer`.
 */
export class URLSafeSerializer extends Serializer {
  static override defaultSerializer: PayloadSerializer = compactJson;

  /** Largest decompressed payload accepted. */
  readonly maxPayloadBytes: number;

  constructor(secretKey: SecretKey, options: URLSafeSerializerOptions = {}) {
    super(secretKey, options);
    this.maxPayloadBytes = checkLimit(options.maxPayloadBytes);
  }

  override dumpPayload(obj: unknown): Uint8Array {
    return dumpUrlSafe(this.serializer, obj);
  }

  protected override _dumpPayloadView(obj: unknown): Uint8Array {
    if (this.dumpPayload !== URLSafeSerializer.prototype.dumpPayload) return this.dumpPayload(obj);
    return dumpUrlSafe(this.serializer, obj, PAYLOAD_SCRATCH);
  }

  /** @throws BadPayload (`ERR_PAYLOAD_BASE64`, `ERR_PAYLOAD_DECOMPRESS`, `ERR_PAYLOAD_TOO_LARGE`, `ERR_PAYLOAD_INVALID`). */
  override loadPayload(payload: Uint8Array): unknown {
    return super.loadPayload(_decodeUrlSafePayload(payload, this.maxPayloadBytes));
  }
}

/** Options of {@link URLSafeTimedSerializer}. */
export interface URLSafeTimedSerializerOptions extends TimedSerializerOptions, URLSafeOptions {}

/**
 * A {@link TimedSerializer} with URL-safe tokens (`itsdangerous.URLSafeTimedSerializer`):
 * `payload.timestamp.signature`, where a compressed payload starts with `.`.
 *
 * @example
 * const s = new URLSafeTimedSerializer(secretKey, { salt: 'auth', signerKwargs: { digestMethod: 'sha256' } });
 * const token = s.dumps({ sub: '42' });
 * const value = s.loads(token, { maxAge: 3600 });
 */
export class URLSafeTimedSerializer extends TimedSerializer {
  static override defaultSerializer: PayloadSerializer = compactJson;

  /** Largest decompressed payload accepted. */
  readonly maxPayloadBytes: number;

  constructor(secretKey: SecretKey, options: URLSafeTimedSerializerOptions = {}) {
    super(secretKey, options);
    this.maxPayloadBytes = checkLimit(options.maxPayloadBytes);
  }

  override dumpPayload(obj: unknown): Uint8Array {
    return dumpUrlSafe(this.serializer, obj);
  }

  protected override _dumpPayloadView(obj: unknown): Uint8Array {
    if (this.dumpPayload !== URLSafeTimedSerializer.prototype.dumpPayload) return this.dumpPayload(obj);
    return dumpUrlSafe(this.serializer, obj, PAYLOAD_SCRATCH);
  }

  /** @throws BadPayload (`ERR_PAYLOAD_BASE64`, `ERR_PAYLOAD_DECOMPRESS`, `ERR_PAYLOAD_TOO_LARGE`, `ERR_PAYLOAD_INVALID`). */
  override loadPayload(payload: Uint8Array): unknown {
    return super.loadPayload(_decodeUrlSafePayload(payload, this.maxPayloadBytes));
  }

  protected override _loadPayloadIsOwn(): boolean {
    return this.loadPayload === URLSafeTimedSerializer.prototype.loadPayload;
  }
}
