/** What every screen needs once signed in: the role and the lookup lists, fetched once. */
import { api } from './api';
import type { Role } from './auth';
import type { Strategy, TypeInfo } from './types';

export interface Session {
  role: Role;
  strategies: Strategy[];
  types: TypeInfo[];
  languages: string[];
}

let current: Session | null = null;

export function session(): Session {
  if (!current) throw new Error('not signed in');
  return current;
}

export async function startSession(role: Role): Promise<Session> {
  const [strategies, types, stats] = await Promise.all([api.strategies(), api.types(), api.stats()]);
  current = {
    role,
    strategies: strategies.items,
    types,
    languages: [...new Set(['en', ...Object.keys(stats.by_language)])].sort(),
  };
  return current;
}

export function endSession(): void {
  current = null;
}

export const strategyName = (id: number | null): string =>
  id === null ? 'Global' : (current?.strategies.find((s) => s.id === id)?.name ?? `Strategy ${id}`);
