/** PostgreSQL error fields we act on (both drivers surface the server's `code` and `constraint`). */
interface PgError {
  code?: string;
  constraint?: string;
}

/** Drizzle wraps driver errors (DrizzleQueryError); the server's fields are on the cause. */
function pgError(err: unknown): PgError | undefined {
  for (let e = err as (PgError & { cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    if (typeof e === 'object' && typeof e.code === 'string') return e;
  }
  return undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
