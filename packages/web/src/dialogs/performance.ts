/**
 * A prompt's trading record: summary cards with their uncertainty, the equity curve (uPlot) and
 * the daily table, for one version or all, over a date range.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api } from '../api';
import { message, openDialog } from '../dialog';
import { field, h, replace, select } from '../dom';
import { interval, money, num, pct, signed, tone } from '../format';
import { onThemeChange } from '../theme';
import type { Performance, Prompt } from '../types';

export function openPerformance(prompt: Prompt): void {
  const dlg = openDialog(`Performance of “${prompt.name}”`, { size: 'large' });
  const versions: [string, string][] = [['', 'All versions']];
  for (let v = prompt.version; v >= 1; v--) versions.push([String(v), `Version ${v}`]);
  const version = select(versions, '');
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  const content = h('div', { class: 'perf-content', 'aria-live': 'polite' });
  replace(
    dlg.body,
    h(
      'form',
      { class: 'row filters', onsubmit: (e: Event) => e.preventDefault() },
      field('Version', version),
      field('From', from),
      field('To', to),
    ),
    content,
  );
  let chart: uPlot | undefined;
  const stopTheme = onThemeChange(() => void load());
  dlg.onClose(() => {
    chart?.destroy();
    stopTheme();
  });

  async function load(): Promise<void> {
    let perf: Performance;
    try {
      perf = await api.performance(prompt.id, { version: version.value, from: from.value, to: to.value });
    } catch (err) {
      replace(content, message('error', err instanceof Error ? err.message : String(err)));
      return;
    }
    chart?.destroy();
    chart = undefined;
    const s = perf.summary;
    if (s.signals === 0 && perf.daily.length === 0) {
      replace(
        content,
        h(
          'div',
          { class: 'empty' },
          h('h3', {}, 'No outcomes yet'),
          h(
            'p',
            {},
            'Figures appear once signals made with this prompt are closed with an outcome (POST /api/v1/signals/{id}/outcome) and the daily rollup has run.',
          ),
        ),
      );
      return;
    }
    const card = (label: string, value: string, detail: string, cls = '') =>
      h(
        'div',
        { class: `card stat ${cls}`, role: 'group', 'aria-label': label },
        h('span', { class: 'stat-label' }, label),
        h('strong', { class: 'stat-value' }, value),
        h('small', {}, detail),
      );
    const winTone = s.win_rate === null ? '' : s.win_rate >= 0.5 ? 'good' : 'bad';
    const cards = h(
      'div',
      { class: 'cards' },
      card('Total signals', String(s.signals), `${s.n_closed} closed, ${s.pending} open`),
      card(
        'Win rate',
        pct(s.win_rate),
        s.win_rate_ci
          ? `95% interval ${interval(s.win_rate_ci, (v) => pct(v))}, n = ${s.n_decided}`
          : `n = ${s.n_decided}`,
        winTone,
      ),
      card(
        'Average R',
        signed(s.expectancy_r),
        s.expectancy_ci
          ? `95% interval ${interval(s.expectancy_ci, (v) => signed(v))}`
          : 'too few trades for an interval',
        tone(s.expectancy_r),
      ),
      card(
        'Total P/L',
        money(s.total_pl),
        `${s.wins} wins, ${s.losses} losses, ${s.breakevens} breakeven`,
        tone(s.total_pl),
      ),
    );
    const chartHost = h('div', {
      class: 'chart',
      role: 'img',
      'aria-label': `Equity curve: cumulative R over ${perf.equity_curve.length} closed trades`,
    });
    const daily = h(
      'table',
      { class: 'daily' },
      h('caption', {}, 'Daily results'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Date', 'Version', 'Signals', 'Wins', 'Losses', 'Win rate', 'Avg R', 'P/L'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        perf.daily.map((d) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, d.evaluation_date),
            h('td', {}, `v${d.prompt_version}`),
            h('td', {}, String(d.signals_generated)),
            h('td', {}, String(d.wins)),
            h('td', {}, String(d.losses)),
            h(
              'td',
              { class: d.win_rate === null ? '' : d.win_rate >= 0.5 ? 'good' : 'bad' },
              pct(d.win_rate),
            ),
            h('td', { class: tone(d.avg_r_multiple) }, signed(d.avg_r_multiple)),
            h('td', { class: tone(d.total_profit_loss) }, money(d.total_profit_loss)),
          ),
        ),
      ),
    );
    replace(content, cards, h('h3', {}, 'Equity curve (cumulative R)'), chartHost, daily);
    if (perf.equity_curve.length > 0) {
      const css = getComputedStyle(document.documentElement);
      const fg = css.getPropertyValue('--fg').trim() || '#222';
      const accent = css.getPropertyValue('--accent').trim() || '#2563eb';
      const grid = css.getPropertyValue('--border').trim() || '#ddd';
      const xs = perf.equity_curve.map((p) => Date.parse(p.exit_time) / 1000);
      const rs = perf.equity_curve.map((p) => p.cumulative_r);
      const axis = { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid } };
      chart = new uPlot(
        {
          width: Math.max(300, chartHost.clientWidth || 900),
          height: 260,
          scales: { x: { time: true } },
          axes: [axis, { ...axis, label: 'R' }],
          series: [
            {},
            {
              label: 'Cumulative R',
              stroke: accent,
              width: 2,
              fill: `${accent}22`,
              value: (_u, v) => (v === null ? '—' : num(v)),
            },
          ],
          legend: { show: true },
        },
        [xs, rs],
        chartHost,
      );
    } else {
      chartHost.append(h('p', {}, 'No closed trades in this range.'));
    }
  }
  for (const el of [version, from, to]) el.addEventListener('change', () => void load());
  const close = h('button', { type: 'button' }, 'Close');
  close.addEventListener('click', () => dlg.close());
  replace(dlg.footer, h('span', { class: 'spacer' }), close);
  void load();
}
