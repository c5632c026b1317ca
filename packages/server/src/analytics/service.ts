import type { Database } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { findPrompt } from '../prompts/repository.js';
import { compareArms } from './compare.js';
import * as repo from './repository.js';
import type { RollupService } from './rollup-service.js';
import { meanLowerBound, wilsonLowerBound } from './stats.js';
import {
  equityCurve,
  maxDrawdown,
  metricsFromSums,
  type Sums,
  streaks,
  sumsFromRows,
} from './trade-metrics.js';

function daily(row: repo.PerformanceRow) {
  return {
    evaluation_date: row.evaluation_date,
    prompt_version: row.prompt_version,
    strategy_id: row.strategy_id,
    signals_generated: row.signals_generated,
    wins: row.win_count,
    losses: row.loss_count,
    breakevens: row.breakeven_count,
    win_rate: row.win_rate,
    avg_r_multiple: row.avg_r_multiple,
    total_profit_loss: row.total_profit_loss,
  };
}

/** The equity curve handed to charts: at most this many points (the drawdown uses every trade). */
export const MAX_CURVE_POINTS = 1_000;

/**
 * Fewer points with the same shape: in each of n/2 buckets keep the lowest and the highest point
 * (in time order), and always the last, so peaks, troughs and the end value survive.
 */
export function downsampleCurve<T extends { cumulative_r: number }>(
  points: T[],
  max = MAX_CURVE_POINTS,
): T[] {
  if (points.length <= max) return points;
  const buckets = Math.floor(max / 2) - 1;
  const size = points.length / buckets;
  const out: T[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (points[i]!.cumulative_r < points[lo]!.cumulative_r) lo = i;
      if (points[i]!.cumulative_r > points[hi]!.cumulative_r) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) if (out.at(-1) !== points[i]) out.push(points[i]!);
  }
  if (out.at(-1) !== points.at(-1)) out.push(points.at(-1)!);
  return out;
}

type Performance = Awaited<ReturnType<AnalyticsService['computePerformance']>>;

/** Performance of prompt versions, from the daily rollup (formulas in docs/metrics.md). */
export class AnalyticsService {
  /** Answers kept until a signal is written or the rollup runs (checked with one cheap query). */
  private readonly cache = new Map<string, { version: string; value: Performance }>();
  constructor(
    private readonly database: Database,
    private readonly rollup: RollupService,
    private readonly breakevenEpsilon: number,
  ) {}

  private async requirePrompt(id: number) {
    const prompt = await findPrompt(this.database.db, id);
    if (!prompt) throw new NotFoundError(`No prompt with id ${id}`);
    return prompt;
  }

  async performance(
    id: number,
    filter: { from?: string; to?: string; version?: number },
  ): Promise<Performance> {
    await this.requirePrompt(id);
    const data = await repo.dataVersion(this.database.db);
    const key = `${id}|${filter.from ?? ''}|${filter.to ?? ''}|${filter.version ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && hit.version === data.key) return hit.value;
    const value = await this.computePerformance(id, filter);
    if (data.settled) {
      if (this.cache.size >= 500) this.cache.clear();
      this.cache.set(key, { version: data.key, value });
    }
    return value;
  }

  private async computePerformance(id: number, filter: { from?: string; to?: string; version?: number }) {
    const [rows, trades] = await Promise.all([
      repo.listRows(this.database.db, id, filter),
      repo.closedTrades(this.database.db, id, filter),
    ]);
    const drawdown = maxDrawdown(trades);
    const runs = streaks(trades, this.breakevenEpsilon);
    return {
      prompt_id: id,
      version: filter.version ?? null,
      summary: {
        ...metricsFromSums(sumsFromRows(rows)),
        max_drawdown_r: drawdown.r,
        max_drawdown_pl: drawdown.pl,
        longest_win_streak: runs.longest_win,
        longest_loss_streak: runs.longest_loss,
      },
      daily: rows.map(daily),
      equity_curve: downsampleCurve(equityCurve(trades)),
    };
  }

  /** Brings the rollup up to date now (every changed day, so this prompt's rows included). */
  async calculate(id: number) {
    await this.requirePrompt(id);
    const report = await this.rollup.run();
    const rows = await repo.listRows(this.database.db, id, {});
    return { prompt_id: id, rows: rows.length, days_recomputed: report.days, ms: report.ms };
  }

  async compare(q: {
    a: number;
    b: number;
    a_version?: number;
    b_version?: number;
    from?: string;
    to?: string;
  }) {
    const arm = async (id: number, version: number | undefined) => {
      const prompt = await this.requirePrompt(id);
      const sums = sumsFromRows(
        await repo.listRows(this.database.db, id, { from: q.from, to: q.to, version }),
      );
      const name = `${prompt.name}${version === undefined ? '' : ` v${version}`}`;
      return { prompt_id: id, name, version: version ?? null, sums };
    };
    const [a, b] = await Promise.all([arm(q.a, q.a_version), arm(q.b, q.b_version)]);
    const comparison = compareArms(a.sums, b.sums, { labels: { a: a.name, b: b.name } });
    const view = (x: typeof a) => ({
      prompt_id: x.prompt_id,
      name: x.name,
      version: x.version,
      metrics: metricsFromSums(x.sums),
    });
    return { a: view(a), b: view(b), ...comparison };
  }

  /**
   * Versions ranked by the lower end of a 95% one-sided bound (Wilson for win rate, t for mean R),
   * so a small lucky sample does not outrank a large steady one; versions with fewer than
   * `min_signals` closed trades are hidden, and n stands beside every figure.
   */
  async leaderboard(q: {
    metric: 'win_rate' | 'expectancy_r';
    min_signals: number;
    strategy_id?: number;
    limit: number;
  }) {
    const rows = await repo.listAllRows(this.database.db, q.strategy_id);
    const groups = new Map<string, { prompt_id: number; version: number; rows: repo.PerformanceRow[] }>();
    for (const row of rows) {
      const key = `${row.prompt_template_id}:${row.prompt_version}`;
      const g = groups.get(key) ?? {
        prompt_id: row.prompt_template_id,
        version: row.prompt_version,
        rows: [],
      };
      g.rows.push(row);
      groups.set(key, g);
    }
    let hidden = 0;
    const ranked: {
      prompt_id: number;
      version: number;
      sums: Sums;
      n: number;
      value: number | null;
      lower: number | null;
    }[] = [];
    for (const g of groups.values()) {
      const sums = sumsFromRows(g.rows);
      if (sums.n_closed < q.min_signals) {
        hidden++;
        continue;
      }
      const m = metricsFromSums(sums);
      const lower =
        q.metric === 'win_rate'
          ? wilsonLowerBound(sums.wins, sums.wins + sums.losses)
          : m.expectancy_r === null || m.sd_r === null
            ? null
            : meanLowerBound(m.expectancy_r, m.sd_r, sums.n_closed);
      const n = q.metric === 'win_rate' ? sums.wins + sums.losses : sums.n_closed;
      ranked.push({ prompt_id: g.prompt_id, version: g.version, sums, n, value: m[q.metric], lower });
    }
    ranked.sort((x, y) => (y.lower ?? -Infinity) - (x.lower ?? -Infinity) || y.n - x.n);
    const top = ranked.slice(0, q.limit);
    const names = new Map<number, string>();
    for (const e of top)
      if (!names.has(e.prompt_id)) names.set(e.prompt_id, await this.promptName(e.prompt_id));
    return {
      metric: q.metric,
      ranked_by:
        q.metric === 'win_rate'
          ? 'Wilson 95% lower bound of the win rate'
          : 'one-sided 95% t lower bound of the mean R',
      min_signals: q.min_signals,
      hidden_below_min: hidden,
      entries: top.map((e, i) => ({
        rank: i + 1,
        prompt_id: e.prompt_id,
        name: names.get(e.prompt_id) ?? '',
        version: e.version,
        n: e.n,
        value: e.value,
        lower_bound: e.lower,
        metrics: metricsFromSums(e.sums),
      })),
    };
  }

  private async promptName(id: number): Promise<string> {
    const [row] = await this.database.query<{ name: string }>(
      'select name from prompt_templates where id = $1',
      [id],
    );
    return row?.name ?? `#${id}`;
  }
}
