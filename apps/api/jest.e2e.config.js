import { jestPreset } from '@authbench/jest-config';

export default jestPreset({ testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'], testTimeout: 60_000 });
