// `npm run lint`: ESLint (typescript-eslint, eslint-plugin-lit) with the import rules that keep the layers
// apart. lit-analyzer checks the templates' bindings beside it.
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Shipped code never reaches the simulation, the tests or the demo. */
const notTestCode = { group: ['**/mocks/**', '**/test/**', '**/demo/**', 'msw', 'msw/**'], message: 'shipped code must not import the simulation, tests or demo' };
/** JsSIP is only ever in the media chunk, which loads on `call-connected` through a dynamic import. */
const notJssip = { group: ['jssip', 'jssip/**'], message: 'only src/media/sip-call.ts imports JsSIP (it loads lazily)' };
const notSipCallStatically = {
  group: ['**/media/sip-call*', './sip-call*'],
  allowTypeImports: true,
  message: 'load the media engine with a dynamic import (src/chunks.ts), or it lands in the core bundle',
};
/** The view (element, template, styles, language, clock, Lit): transport and media know nothing of it. */
const notView = {
  group: ['**/click-to-call.*', '**/localize*', '**/clock*', 'lit', 'lit/**'],
  message: 'transport and media must not import the element or view',
};
const restricted = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['dist/**', 'dist-site/**', 'dist-frameworks/**', 'node_modules/**', 'demo/frameworks/**', 'test/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  lit.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.mocha } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  // chai's `expect(x).to.be.true` is an expression statement by design.
  { files: ['test/**'], rules: { '@typescript-eslint/no-unused-expressions': 'off' } },
  { files: ['src/**/*.ts'], rules: restricted(notTestCode, notJssip, notSipCallStatically) },
  { files: ['src/transport/**/*.ts', 'src/media/**/*.ts'], rules: restricted(notTestCode, notJssip, notSipCallStatically, notView) },
  { files: ['src/media/sip-call.ts'], rules: restricted(notTestCode, notView) },
  { files: ['src/state.ts'], rules: restricted({ group: ['*', '**', '.*', '.*/**', '@*/**'], message: 'the state machine is pure: it imports nothing' }) },
  {
    files: ['server/**/*.ts'],
    rules: restricted({ group: ['**/src/**', '../src', 'lit', 'lit/**', 'jssip', 'jssip/**'], message: 'the token service never imports browser code' }),
  },
);
