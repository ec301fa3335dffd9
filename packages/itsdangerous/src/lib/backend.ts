/**
 * The swappable primitive: zlib compression. The default backend is pure JS (fflate) so the
 * package runs in browsers; the `node` export condition loads `index.node.js`, which installs
 * node:zlib (see node-backend.ts). Only the compress decision must match Python (the vectors
 * check it, on both backends); the deflate bytes may differ and both inflate alike.
 *
 * HMAC is not swapped: measured in `loads` (interleaved, pinned), node:crypto's `createHmac`
 * per call was 10–20 % slower than @noble/hashes with the keyed state cloned per message
 * (an Hmac object per call, and more garbage), so both backends use the latter.
 * @module
 */

export interface Backend {
  /** `pure-js` or `node`: which implementation answers. */
  readonly name: string;
  /**
   * `zlib.compress(data)` at level 6, or `null` to use the pure-JS one. The result may be a
   * view of a buffer that the next call overwrites (saves a copy per `dumps`): read it first.
   */
  zlibCompress(data: Uint8Array): Uint8Array | null;
}

const PURE_JS: Backend = Object.freeze({
  name: 'pure-js',
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
