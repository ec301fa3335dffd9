// Loaded by jest.config.js when ITSDANGEROUS_BACKEND=node: every test then runs on node:crypto/node:zlib.
import '../src/index.node.js';
