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

/** Takes `?token=` from the address (the link the server prints at first start) and hides it. */
export function takeTokenFromUrl(): void {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (!token) return;
  setToken(token);
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
export const can = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];
