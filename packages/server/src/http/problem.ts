import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dataExceptionCode } from '../db/errors.js';
import { AppError, type FieldError } from '../errors.js';

/** RFC 9457 problem details, the body of every error this service returns. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    errors: z
      .array(
        z.object({
          field: z.string(),
          message: z.string(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
        }),
      )
      .optional(),
    error_type: z
      .enum(['syntax', 'undefined', 'runtime', 'limit', 'security'])
      .optional()
      .describe('For template failures: which kind.'),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof problemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  detail: string,
  errors?: FieldError[],
  extensions?: Record<string, unknown>,
): FastifyReply {
  const body: Problem = {
    ...extensions,
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: request.url,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(body);
}

/**
 * Errors Fastify meets before routing (a URL that is not valid percent-encoded UTF-8, a path
 * parameter over the length limit): answered as problem+json like every other error.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, request, err.statusCode ?? 400, err.message);
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers or URL over the size limit,
 * malformed HTTP): written straight to the socket, still as problem+json.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const detail =
    status === 431
      ? 'The request line or headers are larger than the server accepts (16 KiB).'
      : status === 408
        ? 'The request was not received in time.'
        : 'The request is not valid HTTP.';
  const body = JSON.stringify({ type: 'about:blank', title: TITLES[status], status, detail, instance: '' });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n` +
        `Content-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * Maps every error to problem+json: domain errors by class, Fastify's by status, the rest to 500.
 * `spaFallback` answers unknown browser routes with the web UI before a 404 is given.
 */
export function registerProblemHandlers(
  app: FastifyInstance,
  spaFallback?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined,
): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) {
      if (err.retryAfterSeconds !== undefined) reply.header('Retry-After', String(err.retryAfterSeconds));
      return sendProblem(reply, request, err.status, err.message, err.errors, err.extensions);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((issue) => {
        const where = [err.validationContext, ...issue.instancePath.split('/')].filter(Boolean).join('.');
        const keys = (issue.params as { keys?: string[] }).keys;
        if (issue.keyword === 'unrecognized_keys' && keys?.length) {
          return {
            field: `${where}.${keys[0]}`,
            message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
          };
        }
        return { field: where, message: issue.message ?? 'is invalid' };
      });
      const first = errors[0];
      return sendProblem(reply, request, 422, `Invalid request: ${first?.field} ${first?.message}`, errors);
    }
    const sqlState = dataExceptionCode(err);
    if (sqlState) {
      // The client's value, not a server fault: no stack and no SQL text (it may hold the value).
      request.log.warn({ sqlState, route: request.routeOptions.url }, 'value refused by the database');
      return sendProblem(
        reply,
        request,
        422,
        `A value in this request is out of range or cannot be stored (SQLSTATE ${sqlState}).`,
      );
    }
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0;
      return sendProblem(
        reply,
        request,
        413,
        `The request body is larger than the ${formatBytes(limit)} ${request.method} ${request.routeOptions.url ?? request.url} accepts.`,
      );
    }
    if (status >= 500) {
      request.log.error({ err }, 'unhandled error');
      return sendProblem(
        reply,
        request,
        500,
        'The server failed to handle this request; the error has been logged.',
      );
    }
    return sendProblem(reply, request, status, err.message);
  });
  app.setNotFoundHandler(
    (request, reply) =>
      spaFallback?.(request, reply) ??
      sendProblem(reply, request, 404, `No route for ${request.method} ${request.url.split('?')[0]}`),
  );
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0
    ? `${n / (1024 * 1024)} MiB`
    : n % 1024 === 0
      ? `${n / 1024} KiB`
      : `${n} bytes`;
}
