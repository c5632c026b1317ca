/** Versions ranked by the lower bound of their 95% interval, so luck on a few trades does not win. */
import { api } from '../api';
import { message } from '../dialog';
import { field, h, replace, select } from '../dom';
import { interval, pct, signed } from '../format';
import { setQuery } from '../router';

export function renderLeaderboard(main: HTMLElement, params: URLSearchParams): void {
  const metric = select(
    [
      ['win_rate', 'Win rate'],
      ['expectancy_r', 'Average R (expectancy)'],
    ],
    params.get('metric') ?? 'win_rate',
  );
  const minSignals = h('input', {
    type: 'number',
    min: 0,
    step: 1,
    value: params.get('min_signals') ?? '30',
  });
  const result = h('div', { 'aria-live': 'polite' });
  replace(
    main,
    h('h1', {}, 'Leaderboard'),
    h(
      'p',
      { class: 'lead' },
      'Prompt versions ranked by the worst case their record supports: the lower end of the 95% interval. A version with few trades has a wide interval and ranks low until it proves itself.',
    ),
    h(
      'form',
      { class: 'filters', onsubmit: (e: Event) => e.preventDefault() },
      field('Metric', metric),
      field('Minimum closed trades', minSignals),
    ),
    result,
  );
  async function load(): Promise<void> {
    const p = new URLSearchParams({ metric: metric.value, min_signals: minSignals.value || '0' });
    setQuery(p);
    try {
      const lb = await api.leaderboard(metric.value, Number(minSignals.value) || 0);
      const isWin = lb.metric === 'win_rate';
      const fmt = (v: number | null) => (isWin ? pct(v) : signed(v));
      const hidden = lb.hidden_below_min
        ? h(
            'p',
            {},
            `${lb.hidden_below_min} version(s) with fewer than ${lb.min_signals} closed trades are not shown: too few to rank.`,
          )
        : null;
      if (lb.entries.length === 0) {
        replace(
          result,
          h(
            'div',
            { class: 'empty' },
            h('h2', {}, 'Nothing to rank yet'),
            h(
              'p',
              {},
              'No prompt version has enough closed trades. Lower the minimum, or record more outcomes.',
            ),
          ),
          hidden,
        );
        return;
      }
      replace(
        result,
        h(
          'table',
          {},
          h('caption', { class: 'visually-hidden' }, 'Ranking'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...[
                'Rank',
                'Prompt',
                'Version',
                'Trades (n)',
                isWin ? 'Win rate' : 'Average R',
                '95% interval',
                'In plain words',
              ].map((c) => h('th', { scope: 'col' }, c)),
            ),
          ),
          h(
            'tbody',
            {},
            lb.entries.map((e) => {
              const ci = isWin ? e.metrics.win_rate_ci : e.metrics.expectancy_ci;
              return h(
                'tr',
                {},
                h('td', {}, String(e.rank)),
                h('th', { scope: 'row' }, e.name),
                h('td', {}, `v${e.version}`),
                h('td', {}, String(e.n)),
                h('td', {}, fmt(e.value)),
                h(
                  'td',
                  {},
                  interval(ci, (v) => fmt(v)),
                ),
                h(
                  'td',
                  {},
                  ci
                    ? `Probably between ${fmt(ci.low)} and ${fmt(ci.high)}${e.n < 100 ? '; still few trades' : ''}.`
                    : 'Not enough trades to say.',
                ),
              );
            }),
          ),
        ),
        hidden,
      );
    } catch (err) {
      replace(result, message('error', err instanceof Error ? err.message : String(err)));
    }
  }
  metric.addEventListener('change', () => void load());
  minSignals.addEventListener('change', () => void load());
  void load();
}
