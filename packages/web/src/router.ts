/** History-API routing: the path picks the page; the query string holds a page's state. */
type Render = (params: URLSearchParams) => void | Promise<void>;
const routes = new Map<string, Render>();
let fallback = '/prompts';

export function route(path: string, render: Render): void {
  routes.set(path, render);
}
export function setFallback(path: string): void {
  fallback = path;
}

export function navigate(pathAndQuery: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', pathAndQuery);
  else history.pushState(null, '', pathAndQuery);
  void dispatch();
}

/** Updates the query string without re-rendering (the page already shows that state). */
export function setQuery(params: URLSearchParams): void {
  const s = params.toString();
  history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}`);
}

export async function dispatch(): Promise<void> {
  const render = routes.get(location.pathname.replace(/\/+$/, '') || '/');
  if (!render) {
    history.replaceState(null, '', fallback);
    return dispatch();
  }
  await render(new URLSearchParams(location.search));
}

export function startRouter(): void {
  window.addEventListener('popstate', () => void dispatch());
  // Same-origin links navigate in-app instead of reloading the bundle.
  document.addEventListener('click', (event) => {
    const a = (event.target as Element).closest?.('a[data-link]');
    if (!a || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  });
}
