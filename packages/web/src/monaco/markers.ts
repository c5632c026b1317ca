/** Template problems (1-based line and column, as the server reports them) as Monaco markers. */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import type { TemplateProblem } from '../types';

export function problemsToMarkers(
  monaco: typeof Monaco,
  model: Monaco.editor.ITextModel,
  problems: TemplateProblem[],
): Monaco.editor.IMarkerData[] {
  return problems.map((p) => {
    const line = Math.min(Math.max(1, p.line || 1), model.getLineCount());
    const maxColumn = model.getLineMaxColumn(line);
    const column = Math.min(Math.max(1, p.column || 1), maxColumn);
    // Underline the word at the error when there is one, else at least one character.
    const word = model.getWordAtPosition({ lineNumber: line, column });
    const end = word && word.startColumn <= column ? word.endColumn : Math.min(column + 1, maxColumn);
    return {
      severity: monaco.MarkerSeverity.Error,
      message: p.message,
      startLineNumber: line,
      startColumn: end > column ? column : Math.max(1, column - 1),
      endLineNumber: line,
      endColumn: Math.max(end, column),
      source: 'jinja2',
    };
  });
}
