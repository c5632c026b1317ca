import { recordAudit } from '../audit/service.js';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../errors.js';
import { paginate } from '../http/common.js';
import { findVersion } from '../prompts/repository.js';
import { findStrategy } from '../strategies/repository.js';
import type { CsvProblem, CsvRow } from './csv.js';
import { classify, levelErrors, profitLoss, rMultiple } from './outcome.js';
import * as repo from './repository.js';
import type { ListSignalsQuery, OutcomeInput, RecordSignalInput, SignalView } from './schema.js';

/** Clocks differ a little between the trading app and this service; more than this is an error. */
const CLOCK_SKEW_MS = 5 * 60_000;

function invalid(errors: FieldError[]): never {
  throw new ValidationError(`Invalid signal: ${errors[0]!.field} ${errors[0]!.message}`, errors);
}

/** The only code that changes trading_signals and signal_prompts. */
export class SignalService {
  constructor(
    private readonly database: Database,
    private readonly breakevenEpsilon: number,
  ) {}

  async list(query: ListSignalsQuery) {
    const { rows, total } = await repo.listSignals(this.database.db, query);
    return paginate(rows as SignalView[], total, query.page, query.page_size);
  }

  async get(id: number) {
    const row = await repo.findSignal(this.database.db, id);
    if (!row) throw new NotFoundError(`No signal with id ${id}`);
    return { ...(row as SignalView), prompts: await repo.signalPromptsOf(this.database.db, id) };
  }

  /** Records a signal made elsewhere (or by the pipeline) with the prompt versions that made it. */
  async record(actor: Actor, input: RecordSignalInput) {
    const errors: FieldError[] = [];
    const trade = input.direction !== 'no_trade';
    if (trade) {
      if (input.entry_price == null)
        errors.push({ field: 'body.entry_price', message: 'is required for a trade' });
      if (input.stop_loss == null)
        errors.push({ field: 'body.stop_loss', message: 'is required for a trade' });
      if (input.entry_price != null && input.stop_loss != null) {
        errors.push(
          ...levelErrors(
            input.direction as 'long' | 'short',
            input.entry_price,
            input.stop_loss,
            input.take_profit,
          ),
        );
      }
    }
    if (input.created_at && input.created_at.getTime() > Date.now() + CLOCK_SKEW_MS) {
      errors.push({ field: 'body.created_at', message: 'must not be in the future' });
    }
    if ((input.prompt_template_id == null) !== (input.prompt_version == null)) {
      errors.push({
        field: 'body.prompt_version',
        message: 'prompt_template_id and prompt_version go together',
      });
    }
    if (errors.length > 0) invalid(errors);

    const { prompts = [], ...fields } = input;
    const row = await this.database.db.transaction(async (tx) => {
      if (input.strategy_id != null && !(await findStrategy(tx, input.strategy_id))) {
        invalid([{ field: 'body.strategy_id', message: `no strategy with id ${input.strategy_id}` }]);
      }
      const used = [...prompts];
      if (input.prompt_template_id != null && input.prompt_version != null) {
        const own = await findVersion(tx, input.prompt_template_id, input.prompt_version);
        if (!own) {
          invalid([
            {
              field: 'body.prompt_version',
              message: `prompt ${input.prompt_template_id} has no version ${input.prompt_version}`,
            },
          ]);
        }
        if (
          !used.some((p) => p.template_id === input.prompt_template_id && p.version === input.prompt_version)
        ) {
          used.push({
            template_id: input.prompt_template_id,
            version: input.prompt_version,
            prompt_type: input.prompt_type ?? 'consolidation',
          });
        }
      }
      for (const [i, p] of prompts.entries()) {
        if (!(await findVersion(tx, p.template_id, p.version))) {
          invalid([
            { field: `body.prompts.${i}`, message: `prompt ${p.template_id} has no version ${p.version}` },
          ]);
        }
      }
      const signal = await repo.insertSignal(tx, {
        ...fields,
        ...(input.created_at ? { created_at: input.created_at, updated_at: new Date() } : {}),
        outcome: trade ? 'pending' : 'cancelled',
      });
      await repo.insertSignalPrompts(
        tx,
        used.map((p) => ({
          signal_id: signal.id,
          template_id: p.template_id,
          version: p.version,
          prompt_type: p.prompt_type,
          timeframe: p.timeframe ?? null,
          rendered_hash: p.rendered_hash ?? null,
        })),
      );
      await recordAudit(
        tx,
        actor,
        'signal.record',
        { type: 'signal', id: signal.id },
        { symbol: signal.symbol, direction: signal.direction },
      );
      return signal;
    });
    return this.get(row.id);
  }

  /**
   * Closes a signal: R from entry, stop and exit; win/loss/breakeven by the epsilon; or cancelled.
   * A closed signal is only changed by an explicit correction, which keeps the old values in the
   * audit log.
   */
  async close(actor: Actor, id: number, input: OutcomeInput) {
    await this.database.db.transaction(async (tx) => {
      const s = await repo.lockSignal(tx, id);
      if (!s) throw new NotFoundError(`No signal with id ${id}`);
      if (s.direction === 'no_trade')
        throw new ConflictError(`Signal ${id} is a no-trade answer; it has no outcome to record.`);
      if (s.outcome !== 'pending' && !input.correction) {
        throw new ConflictError(
          `Signal ${id} is already closed (${s.outcome}). Send correction: true to replace its outcome; the previous values are kept in the audit log.`,
        );
      }
      let values: Partial<repo.NewSignal>;
      if (input.cancelled) {
        values = {
          outcome: 'cancelled',
          exit_price: null,
          exit_time: null,
          actual_r_multiple: null,
          profit_loss: null,
        };
      } else {
        const errors: FieldError[] = [];
        if (input.exit_price === undefined)
          errors.push({ field: 'body.exit_price', message: 'is required (or send cancelled: true)' });
        if (input.exit_time === undefined)
          errors.push({ field: 'body.exit_time', message: 'is required (or send cancelled: true)' });
        else if (input.exit_time < s.created_at)
          errors.push({ field: 'body.exit_time', message: 'is before the signal was generated' });
        else if (input.exit_time.getTime() > Date.now() + CLOCK_SKEW_MS)
          errors.push({ field: 'body.exit_time', message: 'must not be in the future' });
        if (errors.length > 0) invalid(errors);
        const side = s.direction as 'long' | 'short';
        const r = rMultiple(side, s.entry_price!, s.stop_loss!, input.exit_price!);
        const quantity = input.quantity ?? s.quantity;
        values = {
          outcome: classify(r, this.breakevenEpsilon),
          actual_r_multiple: r,
          exit_price: input.exit_price!,
          exit_time: input.exit_time!,
          quantity,
          profit_loss:
            input.profit_loss !== undefined
              ? input.profit_loss
              : quantity != null
                ? profitLoss(side, s.entry_price!, input.exit_price!, quantity)
                : null,
        };
      }
      await repo.updateSignal(tx, id, values);
      const previous = {
        outcome: s.outcome,
        actual_r_multiple: s.actual_r_multiple,
        profit_loss: s.profit_loss,
        exit_price: s.exit_price,
        exit_time: s.exit_time,
      };
      await recordAudit(
        tx,
        actor,
        input.correction && s.outcome !== 'pending' ? 'signal.correct_outcome' : 'signal.close',
        { type: 'signal', id },
        {
          previous,
          outcome: values.outcome,
          actual_r_multiple: values.actual_r_multiple ?? null,
          note: input.note ?? null,
        },
      );
    });
    return this.get(id);
  }

  /**
   * Loads checked CSV rows in one transaction: all of them, or (when any references a prompt
   * version or strategy that does not exist) none, with every such row's line reported.
   */
  async importRows(
    actor: Actor,
    rows: { line: number; row: CsvRow }[],
    onProgress: (done: number) => void = () => undefined,
  ): Promise<{ imported: number; closed: number } | { problems: CsvProblem[] }> {
    const problems: CsvProblem[] = [];
    const result = await this.database.db.transaction(async (tx) => {
      const versions = new Map<string, boolean>();
      const strategies = new Map<number, boolean>();
      for (const { line, row } of rows) {
        if (row.prompt_template_id !== undefined && row.prompt_version !== undefined) {
          const key = `${row.prompt_template_id}:${row.prompt_version}`;
          if (!versions.has(key))
            versions.set(key, Boolean(await findVersion(tx, row.prompt_template_id, row.prompt_version)));
          if (!versions.get(key))
            problems.push({
              line,
              message: `prompt ${row.prompt_template_id} has no version ${row.prompt_version}`,
            });
        }
        if (row.strategy_id !== undefined) {
          if (!strategies.has(row.strategy_id))
            strategies.set(row.strategy_id, Boolean(await findStrategy(tx, row.strategy_id)));
          if (!strategies.get(row.strategy_id))
            problems.push({ line, message: `no strategy with id ${row.strategy_id}` });
        }
      }
      if (problems.length > 0) return undefined;
      let closed = 0;
      const BATCH = 500;
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH).map(({ row }) => {
          const values = this.importedValues(row);
          if (values.outcome !== 'pending' && row.direction !== 'no_trade') closed++;
          return values;
        });
        const inserted = await repo.insertSignals(tx, batch);
        await repo.insertSignalPrompts(
          tx,
          inserted
            .filter((s) => s.prompt_template_id !== null && s.prompt_version !== null)
            .map((s) => ({
              signal_id: s.id,
              template_id: s.prompt_template_id!,
              version: s.prompt_version!,
              prompt_type: s.prompt_type ?? 'consolidation',
            })),
        );
        onProgress(Math.min(rows.length, i + BATCH));
      }
      await recordAudit(
        tx,
        actor,
        'signal.import',
        { type: 'signal', id: null },
        { rows: rows.length, closed },
      );
      return { imported: rows.length, closed };
    });
    return result ?? { problems };
  }

  /** A CSV row as a stored signal: the same R and outcome rules as a live close. */
  private importedValues(row: CsvRow): repo.NewSignal {
    const { outcome: given, exit_price, exit_time, profit_loss, created_at, ...fields } = row;
    const values: repo.NewSignal = { ...fields, ...(created_at ? { created_at } : {}), outcome: 'pending' };
    if (row.direction === 'no_trade' || given === 'cancelled') return { ...values, outcome: 'cancelled' };
    if (exit_price !== undefined && exit_time !== undefined) {
      const side = row.direction as 'long' | 'short';
      const r = rMultiple(side, row.entry_price!, row.stop_loss!, exit_price);
      return {
        ...values,
        outcome: classify(r, this.breakevenEpsilon),
        actual_r_multiple: r,
        exit_price,
        exit_time,
        profit_loss:
          profit_loss ??
          (row.quantity !== undefined ? profitLoss(side, row.entry_price!, exit_price, row.quantity) : null),
      };
    }
    return values;
  }
}
