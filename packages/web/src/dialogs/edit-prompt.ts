/**
 * Create or edit a prompt: metadata, model settings and the Jinja2 editor with live validation.
 * A save that loses the race (409) keeps the user's text in the editor and says what happened.
 */
import { ApiError, api, type PromptInput } from '../api';
import { can } from '../auth';
import { message, openDialog } from '../dialog';
import { debounce, field, h, replace, select } from '../dom';
import { LANGUAGE_ID, setCompletionVariables } from '../monaco/jinja-language';
import { problemsToMarkers } from '../monaco/markers';
import { monaco } from '../monaco/setup';
import { session } from '../session';
import { type Prompt, TEMPLATE_TYPES, type TemplateProblem, type TemplateType, TYPE_LABELS } from '../types';
import { variablePanel } from '../variable-panel';

const STARTER: Record<TemplateType, string> = {
  system_message:
    'You are a disciplined trading analyst for {{ strategy.name }}.\nAnswer only with the requested JSON.\n',
  analysis:
    'Analyse {{ symbol }} on the {{ timeframe }} chart.\nPrice: {{ current_price | number }}\nRSI: {{ indicators.rsi | round(1) }}\n',
  consolidation:
    'Combine the analyses of {{ symbol }}:\n{% for a in analyses %}- {{ a.timeframe }}: {{ a.content }}\n{% endfor %}',
};

export function openEditPrompt(prompt: Prompt | null, opts: { onSaved: () => void }): void {
  const s = session();
  const readOnly = !can(s.role, 'editor');
  const dlg = openDialog(prompt ? `${readOnly ? 'View' : 'Edit'} “${prompt.name}”` : 'New prompt', {
    size: 'large',
  });
  let baseVersion = prompt?.version;

  const name = h('input', { type: 'text', required: true, maxlength: 200, value: prompt?.name ?? '' });
  const description = h('textarea', { rows: 2, maxlength: 10000 }, prompt?.description ?? '');
  const type = select(
    TEMPLATE_TYPES.map((t): [string, string] => [t, TYPE_LABELS[t]]),
    prompt?.template_type ?? 'analysis',
  );
  const language = h('input', {
    type: 'text',
    value: prompt?.language ?? 'en',
    list: 'languages',
    pattern: '[a-z]{2,3}(-[A-Za-z0-9]{2,8})?',
  });
  const languages = h('datalist', { id: 'languages' }, ...s.languages.map((l) => h('option', { value: l })));
  const scope = select(
    [['', 'Global'], ...s.strategies.map((st): [string, string] => [String(st.id), `Strategy: ${st.name}`])],
    prompt?.strategy_id ? String(prompt.strategy_id) : '',
    // Scope is fixed once created: the API moves a prompt by cloning it.
    { disabled: Boolean(prompt) },
  );
  const active = h('input', { type: 'checkbox', checked: prompt?.is_active ?? false });
  const mc = prompt?.model_config ?? {};
  const model = h('input', { type: 'text', value: mc.model ?? '', placeholder: 'provider default' });
  const temperature = h('input', { type: 'number', min: 0, max: 2, step: 0.1, value: mc.temperature ?? '' });
  const maxTokens = h('input', { type: 'number', min: 1, step: 1, value: mc.max_tokens ?? '' });
  const changeNote = h('input', { type: 'text', maxlength: 2000, placeholder: 'What changed and why' });
  for (const el of [name, description, type, language, active, model, temperature, maxTokens, changeNote]) {
    if (readOnly) el.setAttribute('disabled', '');
  }

  const editorHost = h('div', { class: 'editor-host', role: 'group', 'aria-label': 'Template (Jinja2)' });
  const validation = h('div', { class: 'validation', id: 'validation-status', 'aria-live': 'polite' });
  const status = h('div', { class: 'save-status', 'aria-live': 'polite' });

  replace(
    dlg.body,
    h(
      'div',
      { class: 'edit-layout' },
      h(
        'div',
        { class: 'edit-meta' },
        field('Name', name),
        field('Description', description),
        h('div', { class: 'row' }, field('Type', type), field('Language', language), languages),
        field('Scope', scope, prompt ? 'Fixed after creation; duplicate to move it.' : undefined),
        h('label', { class: 'check' }, active, ' Active (used by the pipeline for its slot)'),
        h(
          'fieldset',
          {},
          h('legend', {}, 'Model settings'),
          field('Model', model),
          h('div', { class: 'row' }, field('Temperature', temperature), field('Max tokens', maxTokens)),
        ),
        readOnly ? null : field('Change note', changeNote),
      ),
      h(
        'div',
        { class: 'edit-editor' },
        editorHost,
        h(
          'small',
          { class: 'hint' },
          'Ctrl+Space suggests variables, filters (after |) and tests (after is). Tab indents; Ctrl+M then Tab leaves the editor.',
        ),
        validation,
        status,
      ),
      variablePanel((text) => insert(text), readOnly),
    ),
  );

  const editor = monaco.editor.create(editorHost, {
    value: prompt?.template_content ?? STARTER.analysis,
    language: LANGUAGE_ID,
    wordWrap: 'on',
    minimap: { enabled: false },
    automaticLayout: true,
    readOnly,
    fontSize: 14,
    scrollBeyondLastLine: false,
    ariaLabel: 'Template (Jinja2)',
    fixedOverflowWidgets: true,
    // Tab indents, as template authors expect; the hint below tells keyboard users that Ctrl+M
    // (Monaco's tab-focus toggle) makes Tab move focus out of the editor instead.
    tabFocusMode: false,
  });
  const model_ = editor.getModel()!;
  const typeVariables = () => s.types.find((t) => t.template_type === type.value)?.variables ?? [];
  setCompletionVariables(typeVariables());
  type.addEventListener('change', () => {
    setCompletionVariables(typeVariables());
    // A new prompt still showing a starter follows the type; anything typed is kept.
    if (!prompt && Object.values(STARTER).includes(editor.getValue())) {
      editor.setValue(STARTER[type.value as TemplateType]);
    }
  });

  function insert(text: string): void {
    const sel = editor.getSelection() ?? new monaco.Selection(1, 1, 1, 1);
    editor.executeEdits('reference', [{ range: sel, text, forceMoveMarkers: true }]);
    editor.focus();
  }

  function showProblems(problems: TemplateProblem[]): void {
    monaco.editor.setModelMarkers(model_, 'jinja2', problemsToMarkers(monaco, model_, problems));
    replace(
      validation,
      problems.length === 0
        ? h('p', { class: 'message success' }, 'Template is valid.')
        : h(
            'ul',
            { class: 'problems', 'aria-label': 'Template errors' },
            problems.map((p) => h('li', {}, `Line ${p.line}, column ${p.column}: ${p.message}`)),
          ),
    );
  }

  let validateSeq = 0;
  const validate = debounce(async () => {
    const mine = ++validateSeq;
    try {
      const result = await api.validate(editor.getValue());
      if (mine === validateSeq) showProblems(result.errors);
    } catch (err) {
      if (mine === validateSeq)
        replace(
          validation,
          message('error', `Could not validate: ${err instanceof Error ? err.message : err}`),
        );
    }
  }, 300);
  editor.onDidChangeModelContent(() => validate());
  validate();

  function body(): PromptInput {
    const config: Record<string, unknown> = { ...mc };
    const setOrDrop = (key: string, value: string, parse: (v: string) => number | string) => {
      if (value.trim() === '') delete config[key];
      else config[key] = parse(value.trim());
    };
    setOrDrop('model', model.value, (v) => v);
    setOrDrop('temperature', temperature.value, Number);
    setOrDrop('max_tokens', maxTokens.value, (v) => Math.round(Number(v)));
    const b: PromptInput = {
      name: name.value.trim(),
      description: description.value.trim() || null,
      template_type: type.value,
      template_content: editor.getValue(),
      language: language.value.trim() || 'en',
      is_active: active.checked,
      model_config: config,
    };
    if (changeNote.value.trim()) b.change_note = changeNote.value.trim();
    if (prompt) {
      b.expected_version = baseVersion;
    } else {
      b.strategy_id = scope.value ? Number(scope.value) : null;
    }
    return b;
  }

  const save = h('button', { type: 'button', class: 'primary' }, 'Save');
  async function doSave(takeOverSlot = false): Promise<void> {
    if (!name.value.trim()) {
      replace(status, message('error', 'Give the prompt a name.'));
      name.focus();
      return;
    }
    save.disabled = true;
    replace(status, h('p', { class: 'message info', role: 'status' }, 'Saving…'));
    try {
      const input = { ...body(), ...(takeOverSlot ? { take_over_slot: true } : {}) };
      await (prompt ? api.updatePrompt(prompt.id, input) : api.createPrompt(input));
      opts.onSaved();
      dlg.close();
    } catch (err) {
      const conflictOn = (f: string) =>
        err instanceof ApiError &&
        err.status === 409 &&
        (err.problem.errors ?? []).some((e) => e.field === f);
      if (prompt && conflictOn('body.expected_version')) {
        const overwrite = h('button', { type: 'button', class: 'small' }, 'Save mine over theirs');
        overwrite.addEventListener('click', async () => {
          baseVersion = (await api.getPrompt(prompt.id)).version;
          await doSave();
        });
        replace(
          status,
          message(
            'error',
            'Someone else saved this prompt first. Your text is still in the editor: compare with History, or save yours as the newest version. ',
            overwrite,
          ),
        );
      } else if (err instanceof ApiError && conflictOn('body.is_active')) {
        // The (type, language, scope) slot has another active prompt: say so, offer to take it over.
        const takeOver = h('button', { type: 'button', class: 'small' }, 'Activate this one instead');
        takeOver.addEventListener('click', () => void doSave(true));
        replace(
          status,
          message('error', `${err.message.replace(/,? or send take_over_slot.*$/, '.')} `, takeOver),
        );
      } else if (err instanceof ApiError) {
        const problems = (err.problem.errors ?? [])
          .filter((e) => e.line !== undefined)
          .map((e) => ({ message: e.message, line: e.line ?? 1, column: e.column ?? 1 }));
        if (problems.length) showProblems(problems);
        const fields = (err.problem.errors ?? [])
          .filter((e) => e.line === undefined)
          .map((e) => `${e.field}: ${e.message}`);
        replace(status, message('error', err.message, fields.length ? ` (${fields.join('; ')})` : ''));
      } else {
        replace(status, message('error', String(err)));
      }
    } finally {
      save.disabled = false;
    }
  }
  save.addEventListener('click', () => void doSave());

  const preview = h('button', { type: 'button' }, 'Preview');
  preview.addEventListener('click', async () => {
    const { openPreview } = await import('./preview');
    openPreview(() => editor.getValue(), type.value as TemplateType);
  });
  const history = prompt ? h('button', { type: 'button' }, 'History') : null;
  history?.addEventListener('click', async () => {
    const { openVersions } = await import('./versions');
    openVersions(prompt!, { onRestored: opts.onSaved });
  });
  const cancel = h('button', { type: 'button' }, readOnly ? 'Close' : 'Cancel');
  cancel.addEventListener('click', () => dlg.close());
  replace(dlg.footer, preview, history, h('span', { class: 'spacer' }), cancel, readOnly ? null : save);

  // Esc must not silently throw away an edit: the first Esc on a changed prompt only warns.
  const initialText = editor.getValue();
  let warned = false;
  dlg.el.addEventListener('cancel', (event) => {
    if (readOnly || warned || editor.getValue() === initialText) return;
    event.preventDefault();
    warned = true;
    replace(status, message('info', 'You have unsaved changes: press Esc again or Cancel to discard them.'));
  });
  dlg.onClose(() => {
    validate.cancel();
    monaco.editor.setModelMarkers(model_, 'jinja2', []);
    editor.dispose();
    model_.dispose();
  });
  (prompt ? editor : name).focus();
}
