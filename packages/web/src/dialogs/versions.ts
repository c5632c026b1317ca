/**
 * Version history with a side-by-side diff of any two versions (Monaco's diff editor), the model
 * settings that changed, and restoring an old version as a new one.
 */
import { api } from '../api';
import { can } from '../auth';
import { message, openDialog } from '../dialog';
import { field, h, replace, select } from '../dom';
import { dateTime } from '../format';
import { LANGUAGE_ID } from '../monaco/jinja-language';
import { monaco } from '../monaco/setup';
import { session } from '../session';
import type { Prompt, VersionSummary } from '../types';

export function openVersions(prompt: Prompt, opts: { onRestored: () => void }): void {
  const dlg = openDialog(`History of “${prompt.name}”`, { size: 'large' });
  const canRestore = can(session().role, 'editor');
  const list = h('div', { class: 'versions-list' });
  const fromSel = h('select');
  const toSel = h('select');
  const configChanges = h('div', { class: 'config-changes', 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });
  const diffHost = h('div', {
    class: 'diff-host',
    role: 'group',
    'aria-label': 'Differences between the two versions',
  });
  replace(
    dlg.body,
    status,
    list,
    h('div', { class: 'row diff-pickers' }, field('From version', fromSel), field('To version', toSel)),
    configChanges,
    diffHost,
  );
  const diff = monaco.editor.createDiffEditor(diffHost, {
    readOnly: true,
    originalEditable: false,
    automaticLayout: true,
    renderSideBySide: true,
    useInlineViewWhenSpaceIsLimited: false,
    wordWrap: 'on',
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
  });
  const original = monaco.editor.createModel('', LANGUAGE_ID);
  const modified = monaco.editor.createModel('', LANGUAGE_ID);
  diff.setModel({ original, modified });
  dlg.onClose(() => {
    diff.dispose();
    original.dispose();
    modified.dispose();
  });

  async function showDiff(): Promise<void> {
    const from = Number(fromSel.value);
    const to = Number(toSel.value);
    if (!from || !to) return;
    const [a, b, d] = await Promise.all([
      api.version(prompt.id, from),
      api.version(prompt.id, to),
      from === to ? null : api.diff(prompt.id, from, to),
    ]);
    original.setValue(a.template_content);
    modified.setValue(b.template_content);
    const changes = d?.model_config_changes ?? [];
    const show = (v: unknown) => (v === undefined ? 'not set' : JSON.stringify(v));
    replace(
      configChanges,
      h('h3', {}, `Model settings, v${from} → v${to}`),
      changes.length === 0
        ? h('p', {}, 'No change in model settings.')
        : h(
            'ul',
            {},
            changes.map((c) => h('li', {}, h('code', {}, c.key), `: ${show(c.from)} → ${show(c.to)}`)),
          ),
      d && (d.variables_added.length || d.variables_removed.length)
        ? h(
            'p',
            {},
            d.variables_added.length ? `Variables added: ${d.variables_added.join(', ')}. ` : '',
            d.variables_removed.length ? `Variables removed: ${d.variables_removed.join(', ')}.` : '',
          )
        : null,
    );
  }
  fromSel.addEventListener('change', () => void showDiff());
  toSel.addEventListener('change', () => void showDiff());

  async function load(): Promise<void> {
    const versions: VersionSummary[] = await api.versions(prompt.id);
    const latest = versions.at(-1)?.version ?? 1;
    const rows = [...versions].reverse().map((v) => {
      const restore =
        canRestore && v.version !== latest
          ? h('button', { type: 'button', class: 'small' }, 'Restore this version')
          : null;
      restore?.addEventListener('click', async () => {
        try {
          const p = await api.restore(prompt.id, v.version);
          replace(status, message('success', `Restored version ${v.version} as version ${p.version}.`));
          opts.onRestored();
          await load();
        } catch (err) {
          replace(status, message('error', err instanceof Error ? err.message : String(err)));
        }
      });
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, `v${v.version}`),
        h('td', {}, v.created_by ?? '—'),
        h('td', {}, dateTime(v.created_at)),
        h('td', {}, v.change_note ?? ''),
        h('td', {}, restore),
      );
    });
    replace(
      list,
      h(
        'table',
        { class: 'versions' },
        h('caption', { class: 'visually-hidden' }, 'Versions'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Version', 'Author', 'Saved', 'Change note', ''].map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
    const opts_ = versions.map((v): [string, string] => [String(v.version), `v${v.version}`]);
    replace(fromSel, ...select(opts_, '').children);
    replace(toSel, ...select(opts_, '').children);
    fromSel.value = String(Math.max(1, latest - 1));
    toSel.value = String(latest);
    await showDiff();
  }
  const close = h('button', { type: 'button' }, 'Close');
  close.addEventListener('click', () => dlg.close());
  replace(dlg.footer, h('span', { class: 'spacer' }), close);
  load().catch((err) => replace(status, message('error', err instanceof Error ? err.message : String(err))));
}
