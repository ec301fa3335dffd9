// One Jest preset for the whole repo. Everything is ESM (NestJS 12 and @noble/hashes 2
// ship only ESM), so Jest runs in native ESM mode (`--experimental-vm-modules`) and
// SWC strips types per file, keeping legacy decorators and their metadata for Nest DI.
// Type checking is `tsc --noEmit`, a separate task, so tests never wait for it.

/** @param {{ testMatch?: string[], testTimeout?: number }} [options] */
export function jestPreset(options = {}) {
  return {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2022',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
            keepClassNames: true,
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    // Sources import siblings as `./x.js` (NodeNext); map them back to the `.ts` file.
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    testMatch: options.testMatch ?? ['<rootDir>/test/**/*.test.ts'],
    // Generous on purpose: CI runs every package at once on two cores (load 15–27), and a
    // slow machine may make a test slower, never red. A hung test still fails, later.
    testTimeout: options.testTimeout ?? 120_000,
    // Tests that start servers must close them; a hung handle is a bug, not a wait.
    forceExit: false,
  };
}

export default jestPreset();
