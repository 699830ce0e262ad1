// Flat config: typescript-eslint's recommended rules for every TypeScript file in the repo.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
);
