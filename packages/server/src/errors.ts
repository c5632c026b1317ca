/**
 * Domain errors: one class per failure kind. Services throw these; the HTTP layer maps each to its
 * RFC 9457 status in one place (http/problem.ts) and the CLI prints their message.
 */

export interface FieldError {
  /** Where the problem is: `body.name`, `query.page`, or a template position. */
  field: string;
  message: string;
  line?: number;
  column?: number;
}

export class AppError extends Error {
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    readonly status: number,
    readonly title: string,
    readonly errors?: FieldError[],
    /** Extra RFC 9457 members, e.g. `error_type` for template failures. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(message, 404, 'Not Found');
  }
}

export class ConflictError extends AppError {
  constructor(message: string, errors?: FieldError[]) {
    super(message, 409, 'Conflict', errors);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, errors: FieldError[], extensions?: Record<string, unknown>) {
    super(message, 422, 'Unprocessable Content', errors, extensions);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'An API key is required: send "Authorization: Bearer <key>".') {
    super(message, 401, 'Unauthorized');
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(message, 403, 'Forbidden');
  }
}

/** Too many failed sign-ins, or too much work in flight; `retryAfterS` becomes the Retry-After header. */
export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, 429, 'Too Many Requests');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A service we depend on (the LLM provider) failed; the failure is recorded, the request answered 502. */
export class UpstreamError extends AppError {
  constructor(message: string, extensions?: Record<string, unknown>) {
    super(message, 502, 'Bad Gateway', undefined, extensions);
  }
}

/** We cannot serve this now (every template worker busy, shutting down); the client may retry. */
export class ServiceUnavailableError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, 503, 'Service Unavailable');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
