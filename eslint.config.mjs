// Lint catches what tsc cannot: promises nobody awaits (an activity or workflow that moves on
// before its write lands) and Node-only imports in workflow code (the bundle would build,
// then fail or turn non-deterministic at run time).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeOnlyInWorkflows = {
  patterns: [
    { group: ['node:*'], message: 'Workflow code runs in the deterministic sandbox: no Node built-ins.' },
    { group: ['@temporalio/activity', '@temporalio/worker', '@temporalio/client', '@temporalio/testing'], message: 'Workflow code may import only @temporalio/workflow (and @temporalio/common).' },
    { group: ['@aws-sdk/*', 'fluent-ffmpeg', 'pino', 'nsfwjs', '@tensorflow/*'], message: 'I/O belongs in activities and the services they adapt.' },
    {
      group: [
        ...['activities', 'backends', 'media', 'spine', 'report', 'storage', 'cost', 'notifications'].flatMap((dir) => [`../${dir}/*`, `../${dir}/**`]),
        '../local/*', '../worker/*', '../starter/*', '../codec/*', '../auth/*', '../api/*', '../operations/*', '../common/secrets-manager-reader', '../common/temporal-connection',
      ],
      allowTypeImports: true,
      message: 'Only types may cross from Node-side code into workflows.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.data/', 'cdk.out/', 'coverage/', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Omitting a property by destructuring it into `_name` is the idiom used throughout.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Interfaces such as PayloadCodec and the job pollers return promises; synchronous
      // implementations of them are correct.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', nodeOnlyInWorkflows] },
  },
  {
    // Jest's asymmetric matchers are typed `any`, and CDK templates are untyped JSON.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
