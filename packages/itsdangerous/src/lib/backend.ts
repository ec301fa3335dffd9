/**
 * The swappable primitives: keyed HMAC and zlib compression. The default backend is pure JS
 * (@noble/hashes, fflate) so the package runs in browsers; the `node` export condition loads
 * `index.node.js`, which installs node:crypto and node:zlib versions (see node-backend.ts).
 * Both produce the same bytes for HMAC; for zlib only the compress decision must match Python
 * (the vectors check it), and both are complete zlib implementations.
 * @module
 */
import type { HashFunction } from './digest.js';

/** HMAC under one fixed key. */
export interface KeyedMac {
  readonly outputLen: number;
  /** Writes HMAC(key, message) into `out` (at least {@link outputLen} bytes). */
  digestInto(message: Uint8Array, out: Uint8Array): void;
  /** HMAC(key, message) as a new array. */
  digest(message: Uint8Array): Uint8Array;
}

export interface Backend {
  /** `pure-js` or `node`: which implementation answers. */
  readonly name: string;
  /** A keyed HMAC for `hash`, or `null` to use the pure-JS one (e.g. a custom hash function). */
  keyedMac(hash: HashFunction, key: Uint8Array): KeyedMac | null;
  /** `zlib.compress(data)` at level 6, or `null` to use the pure-JS one. */
  zlibCompress(data: Uint8Array): Uint8Array | null;
}

const PURE_JS: Backend = Object.freeze({
  name: 'pure-js',
  keyedMac: () => null,
  zlibCompress: () => null,
});

let active: Backend = PURE_JS;

/** The backend in use. */
export function activeBackend(): Backend {
  return active;
}

/**
 * @internal Installs a backend for the whole process. Called once by the Node entry at import
 * time, before any signer binds a key (bound keys keep the backend they were bound with).
 */
export function _installBackend(backend: Backend): void {
  active = backend;
}
