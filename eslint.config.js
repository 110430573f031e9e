// Lint enforces the layering from docs/architecture.md: headless core and store, adapters behind the
// contract, and a UI that never talks to an adapter.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const sdks = ['irc-framework', '@xmpp/*', 'matrix-js-sdk', 'matrix-js-sdk/*', 'imapflow', 'nodemailer', 'openpgp', 'mailparser'];
const ui = ['ink', 'ink-*', 'react', 'react/*', 'react-*'];
const restrict = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
});

export default tseslint.config(
  { ignores: ['.build-*/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', '.natter-*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', 'test/run.js', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['src/core/**', 'src/store/**', 'src/config/**'],
    rules: restrict([...ui, ...sdks, '**/adapters/**', '**/ui/**', '**/cli/**', '**/app/**'],
      'src/core, src/store and src/config are headless: no UI, no protocol SDK, no adapter.'),
  },
  {
    files: ['src/store/**'],
    rules: restrict([...ui, ...sdks, '**/adapters/**', '**/ui/**', '**/cli/**', '**/app/**', '**/core/engine*', '**/core/commands/**'],
      'src/store holds data only: it may use core types, not the engine, the UI or an adapter.'),
  },
  {
    files: ['adapters/**'],
    rules: restrict([...ui, '**/src/ui/**', '**/src/store/**', '**/src/cli/**', '**/src/app/**', '**/core/engine*'],
      'Adapters speak only the contract (src/core/contract.ts and core helpers); never the UI, the store or the engine.'),
  },
  {
    files: ['src/ui/**'],
    rules: restrict([...sdks, '**/adapters/**', '**/src/store/**', '**/store/**', '**/cli/**', '**/app/**'],
      'The UI reads view state through the EngineApi (src/core/engine-api.ts); it never touches an adapter or the store.'),
  },
);
