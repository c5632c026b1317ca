/**
 * The API key lives in sessionStorage: it survives reloads of this tab but not the browser, so a
 * shared computer does not keep an admin key around.
 */
export type Role = 'viewer' | 'editor' | 'admin';
const KEY = 'promptledger.apiKey';

export function getToken(): string | null {
  return sessionStorage.getItem(KEY);
}
export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}
export function clearToken(): void {
  sessionStorage.removeItem(KEY);
}

/** What a sign-in link carried, read once from the address. */
export interface LinkedToken {
  /** The key from `#token=…` (the link the server prints at first start), or null. */
  token: string | null;
  /** The address had `?token=`: a query reaches the server and its logs, so it is not used. */
  refusedQuery: boolean;
}

/**
 * Takes the key from the address's fragment (`/#token=…`: a fragment is never sent to the server)
 * and removes it by replacing the current history entry, so neither the address bar nor Back
 * shows it. A `?token=` is removed the same way but not used.
 */
export function takeTokenFromUrl(): LinkedToken {
  const url = new URL(location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const token = fragment.get('token');
  const refusedQuery = url.searchParams.has('token');
  if (!token && !refusedQuery) return { token: null, refusedQuery };
  fragment.delete('token');
  url.searchParams.delete('token');
  const hash = fragment.toString();
  history.replaceState(history.state, '', url.pathname + url.search + (hash ? `#${hash}` : ''));
  return { token, refusedQuery };
}

/** How a key is named on screen: its public prefix, never the secret. */
export function keyLabel(token: string): string {
  const m = /^(pl_[0-9a-f]{8})_/.exec(token);
  return m ? `the key ${m[1]}…` : 'a configured admin token';
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
export const can = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];
