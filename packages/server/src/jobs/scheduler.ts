import type { FastifyBaseLogger } from 'fastify';
import PgBoss from 'pg-boss';
import type { RollupService } from '../analytics/rollup-service.js';
import type { Database } from '../db/database.js';

const ROLLUP_QUEUE = 'performance-rollup';

/**
 * Scheduled jobs, on pg-boss over our own database connection (PGlite or PostgreSQL alike): the
 * daily performance rollup at a cron time in UTC, once per schedule however many instances run.
 * Start-up also runs the rollup once, so days missed while the service was down are caught up.
 */
export class JobScheduler {
  private boss: PgBoss | undefined;
  private catchUp: Promise<unknown> | undefined;

  constructor(
    private readonly database: Database,
    private readonly rollup: RollupService,
    private readonly cron: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    const boss = new PgBoss({
      db: { executeSql: (text, values) => this.database.passthrough(text, values) },
      schema: 'pgboss',
      // Maintenance queries run on the embedded database's only thread: keep them rare.
      maintenanceIntervalSeconds: 300,
      cronMonitorIntervalSeconds: 30,
    });
    boss.on('error', (err) => this.log.error({ err }, 'job scheduler error'));
    await boss.start();
    await boss.createQueue(ROLLUP_QUEUE);
    await boss.schedule(ROLLUP_QUEUE, this.cron, {}, { tz: 'UTC' });
    await boss.work(ROLLUP_QUEUE, { pollingIntervalSeconds: 30 }, async () => {
      const report = await this.rollup.run();
      this.log.info({ report }, 'scheduled performance rollup done');
    });
    this.boss = boss;
    this.catchUp = this.rollup.run().then(
      (report) => this.log.info({ report }, 'start-up performance rollup done'),
      (err: unknown) => this.log.error({ err }, 'start-up performance rollup failed'),
    );
  }

  async stop(): Promise<void> {
    await this.catchUp;
    await this.boss?.stop({ graceful: true, wait: true, timeout: 5_000 });
    this.boss = undefined;
  }
}
