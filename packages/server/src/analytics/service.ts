import type { Database } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { findPrompt } from '../prompts/repository.js';
import { type Summary, summarize } from './metrics.js';
import * as repo from './repository.js';
import type { RollupService } from './rollup-service.js';

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

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);

/** Performance of prompt versions, read from the daily rollup. */
export class AnalyticsService {
  constructor(
    private readonly database: Database,
    private readonly rollup: RollupService,
  ) {}

  private async requirePrompt(id: number) {
    const prompt = await findPrompt(this.database.db, id);
    if (!prompt) throw new NotFoundError(`No prompt with id ${id}`);
    return prompt;
  }

  async performance(id: number, filter: { from?: string; to?: string; version?: number }) {
    await this.requirePrompt(id);
    const rows = await repo.listRows(this.database.db, id, filter);
    return { prompt_id: id, summary: summarize(rows), daily: rows.map(daily) };
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
    const [a, b] = await Promise.all([
      this.performance(q.a, { from: q.from, to: q.to, version: q.a_version }),
      this.performance(q.b, { from: q.from, to: q.to, version: q.b_version }),
    ]);
    return {
      a: { prompt_id: q.a, version: q.a_version ?? null, summary: a.summary },
      b: { prompt_id: q.b, version: q.b_version ?? null, summary: b.summary },
      difference: {
        win_rate: diff(a.summary.win_rate, b.summary.win_rate),
        avg_r_multiple: diff(a.summary.avg_r_multiple, b.summary.avg_r_multiple),
        total_profit_loss: b.summary.total_profit_loss - a.summary.total_profit_loss,
      },
    };
  }

  /** Versions ranked by a metric; versions with fewer than `min_signals` closed trades are left out. */
  async leaderboard(q: {
    metric: 'win_rate' | 'avg_r_multiple' | 'total_profit_loss';
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
    const ranked: { prompt_id: number; version: number; summary: Summary; value: number | null }[] = [];
    for (const g of groups.values()) {
      const summary = summarize(g.rows);
      if (summary.closed < q.min_signals) continue;
      ranked.push({ prompt_id: g.prompt_id, version: g.version, summary, value: summary[q.metric] });
    }
    ranked.sort(
      (x, y) => (y.value ?? -Infinity) - (x.value ?? -Infinity) || y.summary.closed - x.summary.closed,
    );
    const top = ranked.slice(0, q.limit);
    const names = new Map<number, string>();
    for (const e of top)
      names.set(e.prompt_id, names.get(e.prompt_id) ?? (await this.promptName(e.prompt_id)));
    return {
      metric: q.metric,
      min_signals: q.min_signals,
      entries: top.map((e, i) => ({ rank: i + 1, name: names.get(e.prompt_id) ?? '', ...e })),
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
