// ESLint for the map's ES modules and their node tests (`make lint`).
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['web/static/js/**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      // Leaflet and its plugins are classic scripts that define L.
      globals: { ...globals.browser, L: 'readonly' },
    },
    rules: {
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
      'no-unused-vars': ['error', { args: 'none' }],
      'no-implicit-globals': 'error',
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Put API values in the page as text (textContent, el()).' },
        { property: 'outerHTML', message: 'Put API values in the page as text (textContent, el()).' }],
      'no-restricted-globals': ['error', 'event', 'name', 'status'],
    },
  },
  {
    files: ['web/jstest/**/*.js', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
];
