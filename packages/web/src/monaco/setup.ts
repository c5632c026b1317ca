/**
 * Monaco, bundled (no CDN): the slim API plus only the contributions we use — suggestions, hovers
 * (to read marker messages) and the diff editor (part of the API). One editor worker, no
 * language workers: Jinja is tokenized by our Monarch grammar and validated by the server.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController';
import 'monaco-editor/editor/contrib/hover/browser/hoverContribution';
import 'monaco-editor/editor/contrib/bracketMatching/browser/bracketMatching';
import 'monaco-editor/editor/contrib/wordHighlighter/browser/wordHighlighter';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import { currentTheme, onThemeChange, type Theme } from '../theme';
import { registerJinja } from './jinja-language';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}
self.MonacoEnvironment = { getWorker: () => new EditorWorker() };

registerJinja(monaco);
const themeName = (t: Theme) => (t === 'dark' ? 'jinja-dark' : 'jinja-light');
monaco.editor.setTheme(themeName(currentTheme()));
onThemeChange((t) => monaco.editor.setTheme(themeName(t)));

export { monaco };
export type Monaco = typeof monaco;
