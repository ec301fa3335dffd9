import base from '@authbench/jest-config';

// `ITSDANGEROUS_BACKEND=node` runs the whole suite (vectors, properties) again with the Node
// backend installed, so both backends must pass every test (`npm test` runs both).
const nodeBackend = process.env.ITSDANGEROUS_BACKEND === 'node';

export default nodeBackend ? { ...base, setupFiles: ['<rootDir>/test/setup-node-backend.ts'] } : base;
