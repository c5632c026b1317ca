/**
 * The prompt list: filters, search and page live in the query string so a link or a reload shows
 * the same table. Changing a filter refreshes only the table, so focus stays where the user is.
 */
import { ApiError, api, type PromptFilters } from '../api';
import { can } from '../auth';
import { message } from '../dialog';
import { openConfirmDelete } from '../dialogs/confirm-delete';
import { debounce, field, h, replace, select } from '../dom';
import { setQuery } from '../router';
import { session, strategyName } from '../session';
import { type Prompt, TEMPLATE_TYPES, TYPE_LABELS } from '../types';

const PAGE_SIZE = 10;
const FILTER_KEYS = ['type', 'language', 'strategy', 'status', 'search'] as const;

/** The URL's filter state as the API's query parameters. */
function toApiFilters(p: URLSearchParams): PromptFilters {
  const strategy = p.get('strategy') ?? '';
  const status = p.get('status') ?? '';
  return {
    page: Math.max(1, Number(p.get('page')) || 1),
    page_size: PAGE_SIZE,
    template_type: p.get('type') ?? '',
    language: p.get('language') ?? '',
    strategy_id: strategy && strategy !== 'global' ? strategy : '',
    is_global: strategy === 'global' ? 'true' : '',
    is_active: status === 'active' ? 'true' : status === 'inactive' ? 'false' : '',
    search: p.get('search') ?? '',
  };
}

// Dialogs are loaded on demand: Monaco is large and the list must be interactive first.
const editDialog = () => import('../dialogs/edit-prompt');
const versionsDialog = () => import('../dialogs/versions');
const performanceDialog = () => import('../dialogs/performance');

export function renderPromptList(main: HTMLElement, initial: URLSearchParams): void {
  const s = session();
  const params = new URLSearchParams(initial);
  const status = h('div', { class: 'live', 'aria-live': 'polite' });
  const tableArea = h('div', { class: 'table-area' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pagination' });

  const onFilter = (key: string) => (event: Event) => {
    const value = (event.target as HTMLInputElement | HTMLSelectElement).value;
    if (value) params.set(key, value);
    else params.delete(key);
    params.delete('page');
    void load();
  };
  const typeSel = select(
    [['', 'All types'], ...TEMPLATE_TYPES.map((t): [string, string] => [t, TYPE_LABELS[t]])],
    params.get('type') ?? '',
    { onchange: onFilter('type') },
  );
  const langSel = select(
    [['', 'All languages'], ...s.languages.map((l): [string, string] => [l, l])],
    params.get('language') ?? '',
    { onchange: onFilter('language') },
  );
  const stratSel = select(
    [
      ['', 'All scopes'],
      ['global', 'Global only'],
      ...s.strategies.map((st): [string, string] => [String(st.id), st.name]),
    ],
    params.get('strategy') ?? '',
    { onchange: onFilter('strategy') },
  );
  const statusSel = select(
    [
      ['', 'Any status'],
      ['active', 'Active'],
      ['inactive', 'Inactive'],
    ],
    params.get('status') ?? '',
    { onchange: onFilter('status') },
  );
  const search = h('input', {
    type: 'search',
    value: params.get('search') ?? '',
    placeholder: 'Name or description',
  });
  search.addEventListener('input', debounce(onFilter('search'), 250));
  const reset = h('button', { type: 'button', class: 'ghost' }, 'Reset filters');
  reset.addEventListener('click', () => {
    for (const k of [...FILTER_KEYS, 'page']) params.delete(k);
    typeSel.value = langSel.value = stratSel.value = statusSel.value = search.value = '';
    void load();
  });

  const newButton = can(s.role, 'editor')
    ? h('button', { type: 'button', class: 'primary' }, 'New prompt')
    : null;
  newButton?.addEventListener('click', async () =>
    (await editDialog()).openEditPrompt(null, { onSaved: () => void load() }),
  );

  replace(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Prompts'), newButton),
    h(
      'form',
      {
        class: 'filters',
        role: 'search',
        'aria-label': 'Filter prompts',
        onsubmit: (e: Event) => e.preventDefault(),
      },
      field('Search by name', search),
      field('Type', typeSel),
      field('Language', langSel),
      field('Strategy', stratSel),
      field('Status', statusSel),
      reset,
    ),
    status,
    tableArea,
    pager,
  );

  let seq = 0;
  async function load(): Promise<void> {
    setQuery(params);
    const mine = ++seq;
    tableArea.setAttribute('aria-busy', 'true');
    try {
      const page = await api.listPrompts(toApiFilters(params));
      if (mine !== seq) return; // a newer filter change is on its way
      renderTable(page.items, page.total, page.page, page.pages);
    } catch (err) {
      replace(
        tableArea,
        message('error', `Could not load prompts: ${err instanceof Error ? err.message : err}`),
      );
    } finally {
      if (mine === seq) tableArea.removeAttribute('aria-busy');
    }
  }

  const filtered = () => FILTER_KEYS.some((k) => params.get(k));

  function renderTable(items: Prompt[], total: number, page: number, pages: number): void {
    if (items.length === 0) {
      replace(
        tableArea,
        filtered()
          ? h(
              'div',
              { class: 'empty' },
              h('h2', {}, 'No prompts match these filters'),
              h('p', {}, 'Change a filter, or use “Reset filters” to see every prompt.'),
            )
          : h(
              'div',
              { class: 'empty' },
              h('h2', {}, 'No prompts yet'),
              h(
                'p',
                {},
                can(s.role, 'editor')
                  ? 'A prompt is a Jinja2 template the signal pipeline renders. Start with “New prompt”: pick its type (system message, analysis or consolidation), write the template with the variable reference beside you, and check it with “Preview”.'
                  : 'Nothing has been written yet. Ask an editor to create the first prompt.',
              ),
            ),
      );
      replace(pager, total > 0 ? `Page ${page} of ${pages}` : '');
      return;
    }
    const rows = items.map((p) => {
      const actions = h('div');
      const btn = (label: string, fn: () => void, cls = '') => {
        const b = h('button', { type: 'button', class: `small ${cls}` }, label);
        b.addEventListener('click', fn);
        actions.append(b);
      };
      btn(can(s.role, 'editor') ? 'Edit' : 'View', async () =>
        (await editDialog()).openEditPrompt(p, { onSaved: () => void load() }),
      );
      btn('History', async () => (await versionsDialog()).openVersions(p, { onRestored: () => void load() }));
      if (can(s.role, 'editor')) btn('Duplicate', () => void duplicate(p));
      if (can(s.role, 'admin'))
        btn(
          'Delete',
          () =>
            openConfirmDelete(p, async () => {
              await api.deletePrompt(p.id);
              replace(status, message('success', `Deleted “${p.name}”.`));
              await load();
            }),
          'danger',
        );
      const perf = h('button', { type: 'button', class: 'small' }, 'Performance');
      perf.addEventListener('click', async () => (await performanceDialog()).openPerformance(p));
      return h(
        'tr',
        { 'data-id': String(p.id) },
        h(
          'th',
          { scope: 'row' },
          p.name,
          p.description ? h('small', { class: 'desc' }, p.description) : null,
        ),
        h('td', {}, TYPE_LABELS[p.template_type]),
        h('td', {}, p.language),
        h('td', {}, strategyName(p.strategy_id)),
        h('td', {}, `v${p.version}`),
        h(
          'td',
          {},
          h('span', { class: `badge ${p.is_active ? 'on' : 'off'}` }, p.is_active ? 'Active' : 'Inactive'),
        ),
        h('td', {}, perf),
        h('td', { class: 'actions' }, actions),
      );
    });
    replace(
      tableArea,
      h(
        'table',
        { class: 'prompts' },
        h('caption', { class: 'visually-hidden' }, 'Prompts'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Name', 'Type', 'Language', 'Scope', 'Version', 'Status', 'Performance', 'Actions'].map((c) =>
              h('th', { scope: 'col' }, c),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    );
    const go = (n: number) => () => {
      if (n > 1) params.set('page', String(n));
      else params.delete('page');
      void load();
    };
    const prev = h(
      'button',
      { type: 'button', class: 'small', disabled: page <= 1, onclick: go(page - 1) },
      'Previous page',
    );
    const next = h(
      'button',
      { type: 'button', class: 'small', disabled: page >= pages, onclick: go(page + 1) },
      'Next page',
    );
    const first = (page - 1) * PAGE_SIZE + 1;
    replace(
      pager,
      prev,
      h(
        'span',
        { class: 'page-info' },
        `Page ${page} of ${pages} · ${first}–${first + items.length - 1} of ${total} prompts`,
      ),
      next,
    );
  }

  async function duplicate(p: Prompt): Promise<void> {
    // Names are unique within a scope: try "(copy)", then numbered copies.
    for (let i = 1; i <= 20; i++) {
      const name = `${p.name} (copy${i > 1 ? ` ${i}` : ''})`;
      try {
        const copy = await api.clonePrompt(p.id, name);
        replace(status, message('success', `Duplicated as “${copy.name}” (inactive, version 1).`));
        await load();
        return;
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) continue;
        replace(status, message('error', `Could not duplicate: ${err instanceof Error ? err.message : err}`));
        return;
      }
    }
  }

  void load();
}
