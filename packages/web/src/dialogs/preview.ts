/** Render the template being edited with an editable JSON context, live as either changes. */
import { ApiError, api } from '../api';
import { message, openDialog } from '../dialog';
import { debounce, field, h, replace } from '../dom';
import { sampleContext } from '../sample-context';
import type { TemplateType } from '../types';

export function openPreview(template: () => string, type: TemplateType): void {
  const dlg = openDialog('Preview', { size: 'large' });
  const context = h(
    'textarea',
    { class: 'code', rows: 24, spellcheck: 'false' },
    JSON.stringify(sampleContext(type), null, 2),
  );
  const output = h('pre', { class: 'rendered', tabindex: '0', 'aria-label': 'Rendered output' });
  const status = h('div', { class: 'preview-status', 'aria-live': 'polite' });
  replace(
    dlg.body,
    h(
      'div',
      { class: 'preview-layout' },
      field('Context (JSON)', context),
      h('section', { 'aria-label': 'Rendered prompt' }, h('h3', {}, 'Rendered'), status, output),
    ),
  );

  let seq = 0;
  async function render(): Promise<void> {
    const mine = ++seq;
    let ctx: Record<string, unknown>;
    try {
      ctx = JSON.parse(context.value) as Record<string, unknown>;
      if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx))
        throw new Error('The context must be a JSON object.');
    } catch (err) {
      replace(
        status,
        message('error', `Context is not valid JSON: ${err instanceof Error ? err.message : err}`),
      );
      return;
    }
    const started = performance.now();
    try {
      const result = await api.render(template(), ctx);
      if (mine !== seq) return;
      output.textContent = result.rendered;
      output.dataset.renderedAt = String(performance.now());
      replace(
        status,
        h(
          'p',
          { class: 'message info', role: 'status' },
          `Rendered in ${result.render_ms.toFixed(1)} ms (round trip ${Math.round(performance.now() - started)} ms).`,
          result.variables_missing.length
            ? ` Missing variables: ${result.variables_missing.join(', ')}.`
            : '',
        ),
      );
    } catch (err) {
      if (mine !== seq) return;
      if (err instanceof ApiError) {
        const where = (err.problem.errors ?? [])
          .filter((e) => e.line !== undefined)
          .map((e) => `Line ${e.line}, column ${e.column}: ${e.message}`);
        replace(
          status,
          message(
            'error',
            `${err.problem.error_type ? `${err.problem.error_type} error: ` : ''}${err.message}`,
            where.length ? h('br') : null,
            where.join('; '),
          ),
        );
      } else replace(status, message('error', String(err)));
    }
  }
  const later = debounce(() => void render(), 300);
  context.addEventListener('input', later);
  dlg.onClose(() => later.cancel());
  const close = h('button', { type: 'button' }, 'Close');
  close.addEventListener('click', () => dlg.close());
  replace(dlg.footer, h('span', { class: 'spacer' }), close);
  void render();
  context.focus();
}
