/**
 * The Node entry (`node` export condition): the same API as index.ts, with zlib compression on
 * node:zlib. Installing the backend is this module's one side effect; it runs before any
 * caller can build a serializer.
 * @module
 */
import { _installBackend } from './lib/backend.js';
import { nodeBackend } from './lib/node-backend.js';

_installBackend(nodeBackend);

export * from './index.js';
