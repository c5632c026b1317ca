import { Environment } from '@promptledger/jinja';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.js';
import { TABLE_NAMES } from '../db/schema.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  uptime_s: number;
  database: { kind: string; ok: boolean; latency_ms: number; error?: 'unreachable' };
  schema: { ok: boolean; missing_tables: string[] };
  prompts: { live: number };
  engine: { ok: boolean };
}

const probeTemplate = new Environment().fromString('{{ a + b }}');

/**
 * One round trip checks the connection, every table and the live prompt count together. /health
 * is public: a database failure is reported as "unreachable", its text (host names, users, SQL)
 * goes to the log only.
 */
export async function checkHealth(
  database: Database,
  version: string,
  log?: Pick<FastifyBaseLogger, 'error'>,
): Promise<HealthReport> {
  const started = performance.now();
  const report: HealthReport = {
    status: 'ok',
    version,
    uptime_s: Math.round(process.uptime()),
    database: { kind: database.kind, ok: true, latency_ms: 0 },
    schema: { ok: true, missing_tables: [] },
    prompts: { live: 0 },
    engine: { ok: probeTemplate.render({ a: 20, b: 22 }) === '42' },
  };
  try {
    const present = TABLE_NAMES.map((t) => `to_regclass('public.${t}') is not null as "${t}"`).join(', ');
    const [tables] = await database.query<Record<string, boolean>>(`select ${present}`);
    report.schema.missing_tables = TABLE_NAMES.filter((t) => !tables?.[t]);
    report.schema.ok = report.schema.missing_tables.length === 0;
    if (report.schema.ok) {
      const [row] = await database.query<{ n: number }>(
        'select count(*)::int as n from prompt_templates where deleted_at is null',
      );
      report.prompts.live = Number(row?.n ?? 0);
    }
  } catch (err) {
    report.database.ok = false;
    report.database.error = 'unreachable';
    log?.error({ err }, 'health check: the database query failed');
  }
  report.database.latency_ms = Math.round((performance.now() - started) * 100) / 100;
  if (!report.database.ok || !report.schema.ok || !report.engine.ok) report.status = 'degraded';
  return report;
}
