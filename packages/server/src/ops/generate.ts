import fs from 'node:fs';
import { buildApp } from '../app.js';
import type { Actor } from '../auth/actor.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';

/** `promptledger generate`: the same pipeline as POST /signals/generate, printed as JSON. */
export async function runGenerate(
  database: Database,
  config: Config,
  actor: Actor,
  opts: { symbol: string; timeframes: string; strategy?: number; context?: string },
): Promise<void> {
  await database.migrate();
  const text = opts.context
    ? fs.readFileSync(opts.context, 'utf8')
    : process.stdin.isTTY
      ? '{}'
      : fs.readFileSync(0, 'utf8');
  let context: Record<string, unknown>;
  try {
    context = JSON.parse(text || '{}') as Record<string, unknown>;
  } catch (err) {
    throw new Error(`The context is not valid JSON: ${(err as Error).message}`);
  }
  const { app, services } = await buildApp({ config: { ...config, logLevel: 'warn' }, database });
  try {
    process.stderr.write(`Generating with the ${config.llm.provider} provider…\n`);
    const result = await services.generator.generate(actor, {
      symbol: opts.symbol,
      timeframes: opts.timeframes
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      strategy_id: opts.strategy ?? null,
      context,
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await app.close();
  }
}
