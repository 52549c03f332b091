// Lint: typescript-eslint with type information, the layer boundaries of DESIGN.md as
// import-x zones (imports point inward, toward domain), no import cycles, braces always.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['./tsconfig.json', './web/tsconfig.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      curly: ['error', 'all'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src/domain', ['./src/!(domain)/**'], 'domain/ imports nothing else of ours.'),
            zone('./src/shared', ['./src/!(shared)/**'], 'shared/ is small and depends on nothing of ours.'),
            zone('./src/protocol', ['./src/!(protocol|domain|shared)/**'], 'protocol/ sees only domain and shared.'),
            zone(
              './src/agent',
              ['./src/!(agent|domain|protocol|shared|cli)/**', './src/cli/!(agent-commands).ts', './src/cli/*/**'],
              'The agent runs on customer nodes: it sees only domain, protocol and shared (and, for the bundle entry, cli/agent-commands.ts).',
            ),
            zone(
              './src/cli/agent-commands.ts',
              ['./src/!(agent|domain|protocol|shared)/**'],
              'agent-commands.ts is bundled into the agent: it sees only what the agent sees.',
            ),
            zone(
              './src/store',
              ['./src/!(store|domain|shared)/**'],
              'store/ speaks in domain terms and knows nothing above it.',
            ),
            zone(
              './src/services',
              [
                './src/api/**',
                './src/server/**',
                './src/cli/**',
                './src/scheduler/**',
                './src/dispatcher/**',
                './src/store/sqlite/**',
                './src/store/postgres/**',
              ],
              'services/ sees domain, store (the interface) and shared.',
            ),
            zone(
              './src/scheduler',
              [
                './src/api/**',
                './src/server/**',
                './src/cli/**',
                './src/dispatcher/**',
                './src/agent/**',
                './src/store/sqlite/**',
                './src/store/postgres/**',
                './src/store/common/**',
              ],
              'scheduler/ sees domain, shared, the store interface and services; it hears the dispatcher through an interface.',
            ),
            zone(
              './src/api',
              [
                './src/server/**',
                './src/cli/**',
                './src/store/sqlite/**',
                './src/store/postgres/**',
                './src/store/common/**',
              ],
              'api/ reaches the store only through services.',
            ),
            zone('./src/cli', ['./src/!(cli|shared|server|api|agent)/**'], 'cli/ talks to the server over HTTP.'),
            zone(
              './web',
              [
                './src/!(domain|api|shared)/**',
                './src/api/!(wire)/**',
                './src/api/*.ts',
                './src/domain/!(schedule)/**',
                './src/domain/document*.ts',
                './src/domain/builtin-*.ts',
              ],
              'web/ talks to the server over HTTP; it may bundle wire shapes and pure domain rules, never server code.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-restricted-paths': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
