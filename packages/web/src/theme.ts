/**
 * Light or dark: the system's choice unless the user picked one with the toggle (kept in
 * localStorage). Listeners (Monaco, charts) are told whenever the effective theme changes.
 */
export type Theme = 'light' | 'dark';
const KEY = 'promptledger.theme';
const media = matchMedia('(prefers-color-scheme: dark)');
const listeners = new Set<(t: Theme) => void>();

function stored(): Theme | null {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : null;
}

export function currentTheme(): Theme {
  return stored() ?? (media.matches ? 'dark' : 'light');
}

function apply(): void {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  for (const fn of listeners) fn(theme);
}

export function setTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  apply();
}

export function onThemeChange(fn: (t: Theme) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function initTheme(): void {
  media.addEventListener('change', apply);
  apply();
}
