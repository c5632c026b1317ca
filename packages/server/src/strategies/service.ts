import { recordAudit } from '../audit/service.js';
import type { Actor } from '../auth/actor.js';
import type { Database } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { paginate } from '../http/common.js';
import * as repo from './repository.js';
import type {
  CreateStrategyInput,
  ListStrategiesQuery,
  StrategyView,
  UpdateStrategyInput,
} from './schema.js';

function view(row: repo.StrategyRow): StrategyView {
  const { deleted_at: _deleted, ...rest } = row;
  return rest;
}

function nameTaken(name: string): ConflictError {
  return new ConflictError(`A strategy named "${name}" already exists.`, [
    { field: 'body.name', message: 'already used by another strategy' },
  ]);
}

/** The only code that changes the strategies table. */
export class StrategyService {
  constructor(private readonly database: Database) {}

  async list(query: ListStrategiesQuery) {
    const { rows, total } = await repo.listStrategies(this.database.db, query);
    return paginate(rows.map(view), total, query.page, query.page_size);
  }

  async get(id: number): Promise<StrategyView> {
    const row = await repo.findStrategy(this.database.db, id);
    if (!row) throw new NotFoundError(`No strategy with id ${id}`);
    return view(row);
  }

  async create(actor: Actor, input: CreateStrategyInput): Promise<StrategyView> {
    try {
      return await this.database.db.transaction(async (tx) => {
        const row = await repo.insertStrategy(tx, input);
        await recordAudit(tx, actor, 'strategy.create', { type: 'strategy', id: row.id }, { name: row.name });
        return view(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.name);
      throw err;
    }
  }

  async update(actor: Actor, id: number, input: UpdateStrategyInput): Promise<StrategyView> {
    try {
      return await this.database.db.transaction(async (tx) => {
        const row = await repo.updateStrategy(tx, id, input);
        if (!row) throw new NotFoundError(`No strategy with id ${id}`);
        await recordAudit(tx, actor, 'strategy.update', { type: 'strategy', id }, { changes: input });
        return view(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.name ?? '');
      throw err;
    }
  }

  /** Soft delete: the strategy's prompts, signals and performance stay queryable. */
  async remove(actor: Actor, id: number): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      const row = await repo.updateStrategy(tx, id, { deleted_at: new Date(), is_active: false });
      if (!row) throw new NotFoundError(`No strategy with id ${id}`);
      await recordAudit(tx, actor, 'strategy.delete', { type: 'strategy', id }, { name: row.name });
    });
  }
}
