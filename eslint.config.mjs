// Flat config: typescript-eslint's recommended rules for every TypeScript file in the repo.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import nx from '@nx/eslint-plugin';

// No reaching into another package's src/. Declared once: a later block that sets no-restricted-imports for some
// files replaces the rule for them, so it must repeat this pattern.
const noSrcImports = {
  group: ['@continuum/*/src', '@continuum/*/src/**', '**/libs/*/src/**', '**/services/*/src/**'],
  message: "Import the package's entry point, not its src/.",
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.cache/**', '.nx/**', 'coverage/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      // Lets consistent-type-imports see that NestJS constructor parameter types are runtime values (DI tokens).
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Plain CommonJS scripts (Jest config and setup files).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Benchmarks, tools and tests print their results.
    files: [
      'bench/**',
      '**/bench/**',
      '**/scripts/**',
      '**/generate/**',
      'tools/**',
      '**/test/**',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    // Module boundaries, by the Nx tags in each package.json, on production code: pure libraries (no I/O) depend on
    // pure libraries and the contracts only; I/O libraries on libraries; services on libraries; nothing depends on
    // a service. Tests may also use @continuum/testing (type:testing) and are checked by the rule below.
    files: ['libs/*/src/**/*.ts', 'services/*/src/**/*.ts', 'tools/testing/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:lib-pure',
              onlyDependOnLibsWithTags: ['type:lib-pure', 'type:contracts'],
              bannedExternalImports: [
                'kafkajs',
                '@nestjs/*',
                'prom-client',
                'classic-level',
                '@aws-sdk/*',
                'pino',
              ],
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:lib-pure'],
              bannedExternalImports: ['kafkajs', '@nestjs/*', 'prom-client', 'classic-level', '@aws-sdk/*'],
            },
            {
              sourceTag: 'type:lib-io',
              onlyDependOnLibsWithTags: ['type:lib-pure', 'type:contracts', 'type:lib-io'],
            },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:lib-pure', 'type:contracts', 'type:lib-io'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:lib-pure', 'type:contracts', 'type:lib-io'],
            },
          ],
        },
      ],
    },
  },
  {
    // Everywhere: no reaching into another package's src/ (import its entry point).
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [noSrcImports],
        },
      ],
    },
  },
  {
    // The Kafka client seam is real: service code reaches Kafka through @continuum/kafka only (types may still
    // come from kafkajs).
    files: ['services/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kafkajs', message: 'Use @continuum/kafka (the client seam).', allowTypeImports: true },
          ],
        },
      ],
    },
  },
  {
    // Pure libraries do no I/O: no file system, no network clients, no metrics registry (the Nx rule above bans
    // the npm packages; Node's built-ins need this one).
    files: ['libs/{config,drift,stats,registry,learning}/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'fs/promises',
            'node:fs/promises',
            'net',
            'node:net',
            'http',
            'node:http',
          ].map((name) => ({
            name,
            message: 'Pure libraries do no I/O: take bytes or values from the caller.',
          })),
          patterns: [noSrcImports],
        },
      ],
    },
  },
);
