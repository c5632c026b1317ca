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

/**
 * The SQLSTATE of a value the database cannot hold (class 22, data exception: out of range, bad
 * encoding, NUL in text, invalid datetime), or undefined for any other error. Schemas refuse such
 * values first; this is the net under them.
 */
export function dataExceptionCode(err: unknown): string | undefined {
  const code = pgError(err)?.code;
  return code?.startsWith('22') ? code : undefined;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}
