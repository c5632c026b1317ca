/**
 * Jinja2 for Monaco: a Monarch tokenizer ({{ }}, {% %}, {# #}, keywords, strings, numbers, the
 * filter after `|`), two themes that colour those tokens, and completion of the prompt type's
 * variables, filters (after `|`) and tests (after `is`).
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { FILTERS, JINJA_TESTS, KEYWORDS, variableDocs } from '../reference';

type MonacoApi = typeof Monaco;
export const LANGUAGE_ID = 'jinja2';

/** The variables the completion offers; the edit dialog sets them from the prompt's type. */
let variables: string[] = [];
export function setCompletionVariables(names: string[]): void {
  variables = names;
}

export const monarch: Monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  keywords: KEYWORDS,
  constants: ['true', 'false', 'none', 'True', 'False', 'None'],
  operators: ['and', 'or', 'not', 'in', 'is'],
  tokenizer: {
    root: [
      [/\{#/, 'comment', '@comment'],
      [/\{%[-+]?/, 'delimiter.tag', '@tag'],
      [/\{\{[-+]?/, 'delimiter.expression', '@expression'],
      [/[^{]+/, ''],
      [/\{/, ''],
    ],
    comment: [
      [/#\}/, 'comment', '@pop'],
      [/[^#]+/, 'comment'],
      [/#/, 'comment'],
    ],
    tag: [[/[-+]?%\}/, 'delimiter.tag', '@pop'], { include: '@inside' }],
    expression: [[/[-+]?\}\}/, 'delimiter.expression', '@pop'], { include: '@inside' }],
    inside: [
      [/(\|)(\s*)([A-Za-z_]\w*)/, ['operator', '', 'filter']],
      [/\bis\b(\s+not)?(\s+)([A-Za-z_]\w*)/, 'keyword'],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/'([^'\\]|\\.)*'/, 'string'],
      [/\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
      [
        /[A-Za-z_]\w*/,
        {
          cases: {
            '@keywords': 'keyword',
            '@operators': 'keyword.operator',
            '@constants': 'constant',
            '@default': 'variable',
          },
        },
      ],
      [/[=<>!]=?|[-+*/%~]/, 'operator'],
      [/[()[\]{},.:]/, 'delimiter'],
      [/\s+/, ''],
    ],
  },
};

export function registerJinja(monaco: MonacoApi): void {
  monaco.languages.register({ id: LANGUAGE_ID, aliases: ['Jinja2', 'jinja'] });
  monaco.languages.setMonarchTokensProvider(LANGUAGE_ID, monarch);
  monaco.languages.setLanguageConfiguration(LANGUAGE_ID, {
    comments: { blockComment: ['{#', '#}'] },
    brackets: [
      ['{%', '%}'],
      ['{{', '}}'],
      ['(', ')'],
      ['[', ']'],
    ],
    // Closing only quotes and round/square brackets: auto-closing `{` fights the `{{ }}` delimiters.
    autoClosingPairs: [
      { open: '(', close: ')' },
      { open: '[', close: ']' },
      { open: '"', close: '"', notIn: ['string'] },
      { open: "'", close: "'", notIn: ['string'] },
    ],
  });
  const rules = (dark: boolean): Monaco.editor.ITokenThemeRule[] => [
    { token: 'delimiter.expression', foreground: dark ? 'e5c07b' : 'a05a00', fontStyle: 'bold' },
    { token: 'delimiter.tag', foreground: dark ? 'c678dd' : '8a2be2', fontStyle: 'bold' },
    { token: 'variable', foreground: dark ? '61afef' : '0b5cad' },
    { token: 'filter', foreground: dark ? '56b6c2' : '00796b', fontStyle: 'italic' },
    { token: 'keyword', foreground: dark ? 'c678dd' : '8a2be2' },
    { token: 'constant', foreground: dark ? 'd19a66' : 'a0522d' },
    { token: 'string', foreground: dark ? '98c379' : '2e7d32' },
    { token: 'number', foreground: dark ? 'd19a66' : 'a0522d' },
    { token: 'comment', foreground: dark ? '7f848e' : '6a737d', fontStyle: 'italic' },
  ];
  monaco.editor.defineTheme('jinja-light', { base: 'vs', inherit: true, rules: rules(false), colors: {} });
  monaco.editor.defineTheme('jinja-dark', { base: 'vs-dark', inherit: true, rules: rules(true), colors: {} });

  monaco.languages.registerCompletionItemProvider(LANGUAGE_ID, {
    triggerCharacters: ['{', ' ', '|', '.'],
    provideCompletionItems(model, position) {
      const before = model.getValueInRange({
        startLineNumber: 1,
        startColumn: 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      });
      // Only inside {{ … }} or {% … %}: the last opening delimiter must come after the last closing one.
      const open = Math.max(before.lastIndexOf('{{'), before.lastIndexOf('{%'));
      const close = Math.max(before.lastIndexOf('}}'), before.lastIndexOf('%}'));
      if (open < 0 || close > open) return { suggestions: [] };
      const inTag = before.startsWith('{%', open);
      const word = model.getWordUntilPosition(position);
      const range = {
        startLineNumber: position.lineNumber,
        endLineNumber: position.lineNumber,
        startColumn: word.startColumn,
        endColumn: word.endColumn,
      };
      const head = before.slice(0, before.length - word.word.length).trimEnd();
      const K = monaco.languages.CompletionItemKind;
      if (head.endsWith('|')) {
        return {
          suggestions: FILTERS.map((f) => ({
            label: f.name,
            kind: K.Function,
            detail: f.signature,
            documentation: f.doc,
            insertText: f.name,
            range,
          })),
        };
      }
      if (/\bis(\s+not)?$/.test(head)) {
        return {
          suggestions: JINJA_TESTS.map((t) => ({ label: t, kind: K.Method, insertText: t, range })),
        };
      }
      if (head.endsWith('.')) return { suggestions: [] };
      return {
        suggestions: [
          ...variables.map((v) => ({
            label: v,
            kind: K.Variable,
            detail: 'variable',
            documentation: variableDocs[v] ?? '',
            insertText: v,
            range,
            sortText: `0${v}`,
          })),
          ...(inTag
            ? KEYWORDS.map((k) => ({ label: k, kind: K.Keyword, insertText: k, range, sortText: `1${k}` }))
            : []),
        ],
      };
    },
  });
}
