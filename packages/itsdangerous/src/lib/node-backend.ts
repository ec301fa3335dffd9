/**
 * The Node backend: HMAC through node:crypto (OpenSSL's SHA, several times faster than pure JS
 * on short messages) and compression through node:zlib (the C zlib Python also uses). Loaded
 * only by the `node` export condition (index.node.ts), so the default entry, which browsers
 * get, never imports a `node:` module.
 * @module
 */
import { createHmac } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Backend, KeyedMac } from './backend.js';
import { type DigestName, digestNameOf, type HashFunction } from './digest.js';

class NodeKeyedHmac implements KeyedMac {
  readonly outputLen: number;
  readonly #name: DigestName;
  readonly #key: Buffer;

  constructor(name: DigestName, outputLen: number, key: Uint8Array) {
    this.#name = name;
    this.outputLen = outputLen;
    // A private copy: the caller's key bytes may change after binding.
    this.#key = Buffer.from(key);
  }

  #mac(message: Uint8Array): Buffer {
    return createHmac(this.#name, this.#key).update(message).digest();
  }

  digestInto(message: Uint8Array, out: Uint8Array): void {
    out.set(this.#mac(message));
  }

  digest(message: Uint8Array): Uint8Array {
    // A plain Uint8Array (not a Buffer view of a shared pool), like the pure-JS backend.
    return new Uint8Array(this.#mac(message));
  }
}

export const nodeBackend: Backend = Object.freeze({
  name: 'node',
  keyedMac(hash: HashFunction, key: Uint8Array): KeyedMac | null {
    const name = digestNameOf(hash);
    // Custom hash functions stay on their own implementation.
    return name === undefined ? null : new NodeKeyedHmac(name, hash.outputLen, key);
  },
  zlibCompress(data: Uint8Array): Uint8Array {
    const out = deflateSync(data, { level: 6 });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
});
