import { createRequire } from 'node:module';
import { jestPreset } from '@authbench/jest-config';

const preset = jestPreset({ testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'], testTimeout: 180_000 });

// @fastify/static (Swagger UI on HTTP_PLATFORM=fastify) requires content-disposition 3, which is
// ESM-only: Node ≥ 20.19 requires it natively, Jest's loader only on Node ≥ 24.9. In tests it
// gets the CommonJS 2.x that express resolves, whose `create` is the same function.
const fromExpress = createRequire(createRequire(import.meta.url).resolve('express'));

export default {
  ...preset,
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '^content-disposition$': fromExpress.resolve('content-disposition'),
  },
};
