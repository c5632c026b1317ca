/** Two prompts side by side, with the statistics' verdict in plain words and the figures behind it. */
import { api } from '../api';
import { message } from '../dialog';
import { field, h, replace, select } from '../dom';
import { interval, pct, pValue, signed } from '../format';
import { setQuery } from '../router';

export async function renderCompare(main: HTMLElement, params: URLSearchParams): Promise<void> {
  const prompts = (await api.listPrompts({ page_size: 100 })).items;
  const opts: [string, string][] = [
    ['', 'Choose a prompt'],
    ...prompts.map((p): [string, string] => [String(p.id), `${p.name} (v${p.version})`]),
  ];
  const a = select(opts, params.get('a') ?? '');
  const b = select(opts, params.get('b') ?? '');
  const result = h('div', { 'aria-live': 'polite' });
  replace(
    main,
    h('h1', {}, 'Compare prompts'),
    h(
      'p',
      { class: 'lead' },
      'Is B really better than A, or is it luck? The figures below come with their uncertainty.',
    ),
    h(
      'form',
      { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
      field('Prompt A', a),
      field('Prompt B', b),
    ),
    result,
  );
  async function load(): Promise<void> {
    setQuery(new URLSearchParams(Object.entries({ a: a.value, b: b.value }).filter(([, v]) => v)));
    if (!a.value || !b.value) {
      replace(result, h('p', {}, 'Pick two prompts to compare.'));
      return;
    }
    try {
      const c = await api.compare(Number(a.value), Number(b.value));
      const w = c.win_rate;
      const r = c.mean_r;
      const row = (label: string, av: string, bv: string, diff: string, ci: string, p: string) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, label),
          h('td', {}, av),
          h('td', {}, bv),
          h('td', {}, diff),
          h('td', {}, ci),
          h('td', {}, p),
        );
      replace(
        result,
        h(
          'section',
          { class: 'card verdict', 'aria-label': 'Verdict' },
          h('h2', {}, 'Verdict'),
          h('p', {}, c.verdict),
        ),
        h(
          'table',
          {},
          h(
            'caption',
            {},
            `A: ${c.a.name} (n = ${c.a.metrics.n_decided}) · B: ${c.b.name} (n = ${c.b.metrics.n_decided})`,
          ),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['', 'A', 'B', 'B − A', '95% interval of the difference', 'p-value'].map((x) =>
                h('th', { scope: 'col' }, x),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            row(
              'Win rate',
              pct(w.a),
              pct(w.b),
              signed(w.diff === null ? null : w.diff * 100, 1) + (w.diff === null ? '' : ' pts'),
              interval(w.ci, (v) => `${signed(v * 100, 1)} pts`),
              pValue(w.fisher_p ?? w.z_test?.p),
            ),
            row(
              'Average R',
              signed(r.a),
              signed(r.b),
              signed(r.diff),
              r.welch ? interval(r.welch.ci, (v) => signed(v)) : '—',
              pValue(r.welch?.p),
            ),
          ),
        ),
        h(
          'p',
          {},
          `Chance that B's win rate is higher: ${pct(w.prob_b_better, 0)}. `,
          c.required_n_per_arm.win_rate
            ? `About ${Math.ceil(c.required_n_per_arm.win_rate)} trades per prompt would be needed to detect a difference of this size reliably.`
            : '',
        ),
      );
    } catch (err) {
      replace(result, message('error', err instanceof Error ? err.message : String(err)));
    }
  }
  a.addEventListener('change', () => void load());
  b.addEventListener('change', () => void load());
  await load();
}
