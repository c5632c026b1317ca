import type { FastifyInstance } from 'fastify';
import { TooManyRequestsError } from '../errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route runs template work (render, validate, generate): capped per key while in flight. */
    renderSlot?: boolean;
  }
}

/**
 * Caps the template work one key may have in flight: past the cap a request is answered 429 at
 * once instead of queueing, so one key cannot occupy every renderer while others wait.
 */
export function registerRenderSlots(app: FastifyInstance, perKey: number): void {
  const inFlight = new Map<string, number>();
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config?.renderSlot || !request.actor) return;
    const who = request.actor.keyId === null ? `name:${request.actor.name}` : `key:${request.actor.keyId}`;
    const busy = inFlight.get(who) ?? 0;
    if (busy >= perKey) {
      throw new TooManyRequestsError(
        `This key already has ${busy} renders in flight (the limit is ${perKey}); wait for one to finish.`,
        1,
      );
    }
    inFlight.set(who, busy + 1);
    // 'close' fires once whether the response finished or the client went away.
    reply.raw.once('close', () => {
      const left = (inFlight.get(who) ?? 1) - 1;
      if (left <= 0) inFlight.delete(who);
      else inFlight.set(who, left);
    });
  });
}
