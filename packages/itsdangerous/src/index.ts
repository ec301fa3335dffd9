/**
 * `@authbench/itsdangerous`: a TypeScript port of Python's itsdangerous 2.x on
 * @noble/hashes, byte-compatible with tokens made by Python. Runs in Node and browsers.
 *
 * The legacy JWS serializers live in `@authbench/itsdangerous/legacy`.
 * @module
 */

export { base64Decode, base64Encode, bytesToInt, intToBytes } from './encoding.js';
export type {
  BadDataCode,
  BadDataName,
  BadHeaderCode,
  BadHeaderOptions,
  BadPayloadCode,
  BadPayloadOptions,
  BadSignatureCode,
  BadSignatureOptions,
  BadTimeSignatureCode,
  BadTimeSignatureOptions,
  SignatureExpiredCode,
} from './errors.js';
export {
  BadData,
  BadHeader,
  BadPayload,
  BadSignature,
  BadTimeSignature,
  SignatureExpired,
} from './errors.js';
export type { PayloadSerializer } from './lib/json.js';
export type {
  FallbackSigner,
  SaltOptions,
  SerializerOptions,
  SignerClass,
  SignerKwargs,
} from './serializer.js';
export { Serializer } from './serializer.js';
export type {
  BoundAlgorithm,
  BytesLike,
  DigestMethod,
  DigestName,
  HashFunction,
  KeyDerivation,
  SecretKey,
  SignerOptions,
} from './signer.js';
export { HMACAlgorithm, NoneAlgorithm, Signer, SigningAlgorithm } from './signer.js';
export type {
  TimedLoadsOptions,
  TimedSerializerOptions,
  TimedUnsignOptions,
  TimestampSignerOptions,
} from './timed.js';
export { TimedSerializer, TimestampSigner } from './timed.js';
export type { URLSafeOptions, URLSafeSerializerOptions, URLSafeTimedSerializerOptions } from './url-safe.js';
export { DEFAULT_MAX_PAYLOAD_BYTES, URLSafeSerializer, URLSafeTimedSerializer } from './url-safe.js';
