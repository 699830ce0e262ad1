// One Jest for the whole repo. SWC transpiles TypeScript with legacy decorators and
// decorator metadata, which NestJS dependency injection needs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@continuum/kafka/nest$': '<rootDir>/libs/kafka/src/nest/index.ts',
    '^@continuum/testing$': '<rootDir>/tools/testing/integration.ts',
    '^@continuum/testing/(.*)$': '<rootDir>/tools/testing/$1.ts',
    '^@continuum/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.cache/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,tools,deploy}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services,tools,e2e,examples}/**/*.int-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/testing/integration-setup.js'],
      globalSetup: '<rootDir>/tools/testing/require-infra.js',
    },
    {
      // Fault tests kill and restart a broker and a registry of their own (npm run test:faults,
      // the last step of `npm test`); the other projects never pick them up.
      ...common,
      displayName: 'faults',
      testMatch: ['<rootDir>/{libs,services,tools,e2e}/**/*.fault-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/testing/integration-setup.js'],
      globalSetup: '<rootDir>/tools/testing/faults-setup.ts',
      globalTeardown: '<rootDir>/tools/testing/faults-teardown.ts',
    },
  ],
};
