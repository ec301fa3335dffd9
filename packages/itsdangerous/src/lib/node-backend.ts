/**
 * The Node backend: compression through node:zlib (C zlib, about half fflate's CPU per call on
 * a ~90-byte payload, most of fflate's being its per-call table allocations). Loaded only by the
 * `node` export condition (index.node.ts), so the default entry, which browsers get, never
 * imports a `node:` module.
 * @module
 */
import { deflateSync } from 'node:zlib';
import type { Backend } from './backend.js';

export const nodeBackend: Backend = Object.freeze({
  name: 'node',
  zlibCompress(data: Uint8Array): Uint8Array {
    // zlib.compress(data) at Python's default level; the zlib container (78 9c) like Python.
    const out = deflateSync(data, { level: 6 });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  },
});
