// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', 'models/', 'coverage/', '.tap/', 'src/imaging/wasm/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The web page's plain script runs in the browser.
  { files: ['public/**/*.js'], languageOptions: { globals: { document: 'readonly', fetch: 'readonly', FileReader: 'readonly', localStorage: 'readonly' } } },
);
