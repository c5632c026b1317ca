import { describe, expect, it } from 'vitest';
import { countAppliedMigrations } from '../src/db/applied-migrations.js';
import { openDatabase } from '../src/db/database.js';
import { TABLE_NAMES } from '../src/db/schema.js';
import { createTestDatabase, DRIVERS } from './helpers/databases.js';

describe.each(DRIVERS)('migrations on %s', (kind) => {
  it('apply from empty, create every table, and a second run applies nothing', async () => {
    const test = await createTestDatabase(kind, { migrated: false });
    const database = await openDatabase(test.config);
    try {
      expect(await countAppliedMigrations(database)).toBe(0);
      const applied = await database.migrate();
      expect(applied).toBeGreaterThanOrEqual(2);
      for (const table of TABLE_NAMES) {
        const [row] = await database.query<{ t: string | null }>(
          `select to_regclass('public.${table}')::text as t`,
        );
        expect(row?.t, table).toBe(table);
      }
      expect(await database.migrate()).toBe(0);
      expect(await countAppliedMigrations(database)).toBe(applied);
    } finally {
      await database.close();
      await test.drop();
    }
  });

  it('survive a restart: reopening finds the schema and applies nothing', async () => {
    const test = await createTestDatabase(kind);
    try {
      const database = await openDatabase(test.config);
      expect(await database.migrate()).toBe(0);
      await database.close();
    } finally {
      await test.drop();
    }
  });
});
