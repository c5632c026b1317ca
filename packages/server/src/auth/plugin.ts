import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Limits } from '../config/config.js';
import type { Role } from '../db/schema.js';
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../errors.js';
import { type Actor, hasRole } from './actor.js';
import type { AuthService } from './service.js';

/** What a route asks of its caller, set as `config: { auth: … }` on the route. */
export type AuthRequirement = Role | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    actor: Actor | undefined;
  }
}

/** The actor of a request that passed an authenticated route (the hook guarantees one exists). */
export function actorOf(request: { actor: Actor | undefined }): Actor {
  if (!request.actor) throw new UnauthorizedError();
  return request.actor;
}

const underApi = (url: string | undefined) =>
  url !== undefined && (url === '/api' || url.startsWith('/api/'));

/** `pl_<prefix>` of a presented key, for limits and logs; never any part of the secret. */
function keyPrefix(token: string | undefined): string | undefined {
  const m = token ? /^pl_([0-9a-f]{8})_/.exec(token) : null;
  return m ? `pl_${m[1]}` : undefined;
}

const bearer = (request: FastifyRequest) => {
  const header = request.headers.authorization;
  return header === undefined ? undefined : (/^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '');
};

/**
 * Start-up refuses a route under /api that does not declare who may call it: a forgotten
 * declaration is a bug to fix, not a default to rely on.
 */
export function requireDeclaredAuth(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (underApi(route.url) && route.config?.auth === undefined) {
      const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
      throw new Error(`Route ${methods} ${route.url} declares no config.auth (a role or 'public')`);
    }
  });
}

/**
 * Bearer-key authentication for every route. A route under /api without an explicit requirement
 * needs an admin (judged by the matched route, not the raw URL, which `/%61pi/…` would dodge).
 * Failed authentications are counted per client IP and per key prefix; past the limit they are
 * answered 429 with Retry-After. Only failures count, so a valid key is never limited.
 */
export async function registerAuth(app: FastifyInstance, auth: AuthService, limits: Limits): Promise<void> {
  await app.register(rateLimit, { global: false });
  const window = { max: limits.authFailures, timeWindow: limits.authFailureWindowMs };
  const failuresByIp = app.createRateLimit({ ...window, keyGenerator: (req) => `auth-ip:${req.ip}` });
  const failuresByPrefix = app.createRateLimit({
    ...window,
    keyGenerator: (req) => `auth-key:${keyPrefix(bearer(req)) ?? ''}`,
  });

  const failed = async (request: FastifyRequest, token: string): Promise<never> => {
    const prefix = keyPrefix(token);
    request.log.warn({ ip: request.ip, key_prefix: prefix ?? null }, 'authentication failed');
    const counts = [await failuresByIp(request)];
    if (prefix) counts.push(await failuresByPrefix(request));
    const exceeded = counts.filter((c) => !c.isAllowed && c.isExceeded);
    if (exceeded.length > 0) {
      const wait = Math.max(...exceeded.map((c) => (c.isAllowed ? 0 : c.ttlInSeconds)), 1);
      throw new TooManyRequestsError(
        `Too many failed authentications from this address or for this key; try again in ${wait} s.`,
        wait,
      );
    }
    throw new UnauthorizedError('The API key is unknown or has been revoked.');
  };

  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request) => {
    // No route matched: let the 404 through; route names are no secret (the OpenAPI is public).
    if (request.is404) return;
    const declared = request.routeOptions.config?.auth;
    const required: AuthRequirement = declared ?? (underApi(request.routeOptions.url) ? 'admin' : 'public');
    if (required === 'public') return;
    const token = bearer(request);
    if (token === undefined) throw new UnauthorizedError();
    const actor = token ? await auth.authenticate(token) : undefined;
    if (!actor) return failed(request, token);
    if (!hasRole(actor, required)) {
      throw new ForbiddenError(
        `This needs the ${required} role; the key "${actor.name}" has the ${actor.role} role.`,
      );
    }
    request.actor = actor;
  });
}
