import type { FastifyInstance } from 'fastify';
import { type Config, publicBaseUrl } from './config/config.js';
import { type Database, openDatabase } from './db/database.js';
import { JobScheduler } from './jobs/scheduler.js';
import { seedIfEmpty } from './seed/seed.js';

export interface RunningServer {
  app: FastifyInstance;
  database: Database;
  url: string;
  /** Set on first start only: the admin key that was just created, to show the user once. */
  firstAdminKey: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  webDist?: string;
  /**
   * Migrate, seed a new database and make the first admin key (default true). `verify` turns it
   * off: checking a deployment must not change it.
   */
  prepare?: boolean;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
}

/** Opens the database, brings its schema up to date, seeds a new one, and listens. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const prepare = options.prepare ?? true;
  // Opening PGlite is mostly WebAssembly compilation, which V8 does off the main thread: load the
  // HTTP stack meanwhile instead of after.
  const appModule = import('./app.js');
  appModule.catch(() => undefined); // awaited below; only keeps an early failure from going unhandled
  const database = await openDatabase(config.database);
  let app: FastifyInstance | undefined;
  try {
    const { buildApp } = await appModule;
    if (prepare) {
      await database.migrate();
      await seedIfEmpty(database);
      await database.refreshStatistics();
    }
    const built = await buildApp({
      config,
      database,
      webDist: options.webDist,
      logStream: options.logStream,
    });
    app = built.app;
    const { services } = built;
    const firstAdminKey = prepare ? await services.auth.bootstrapAdminKey() : undefined;
    await app.listen({ port: config.port, host: config.host });
    let jobs: JobScheduler | undefined;
    if (prepare && config.rollupCron) {
      jobs = new JobScheduler(database, services.rollup, config.rollupCron, app.log);
      // After listen: the first catch-up run must not delay the service answering.
      await jobs.start();
    }
    const listening = app;
    const address = listening.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    let closing: Promise<void> | undefined;
    return {
      app: listening,
      database,
      url: publicBaseUrl(config.host, port),
      firstAdminKey,
      close() {
        closing ??= (jobs?.stop() ?? Promise.resolve())
          .then(() => listening.close())
          .finally(() => database.close());
        return closing;
      },
    };
  } catch (err) {
    await app?.close().catch(() => undefined);
    await database.close();
    throw err;
  }
}
