import type { FastifyInstance } from 'fastify';
import type { Role } from '../db/schema.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
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

/**
 * Bearer-key authentication for every route. A route under /api without an explicit requirement
 * needs an admin: forgetting to declare one fails closed, not open.
 */
export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('actor', undefined);
  app.addHook('onRequest', async (request) => {
    // No route matched: let the 404 through; route names are no secret (the OpenAPI is public).
    if (request.is404) return;
    const declared = request.routeOptions.config?.auth;
    const required: AuthRequirement = declared ?? (request.url.startsWith('/api/') ? 'admin' : 'public');
    if (required === 'public') return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedError();
    const actor = await auth.authenticate(match[1]!);
    if (!actor) throw new UnauthorizedError('The API key is unknown or has been revoked.');
    if (!hasRole(actor, required)) {
      throw new ForbiddenError(
        `This needs the ${required} role; the key "${actor.name}" has the ${actor.role} role.`,
      );
    }
    request.actor = actor;
  });
}
