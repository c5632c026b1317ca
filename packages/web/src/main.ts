/**
 * Prompt Manager entry: theme first (no flash), then the key (from a `/#token=` link or this tab's
 * sessionStorage), the role, and the router. Monaco and uPlot load only when a dialog needs them.
 */
import './style.css';
import { api, setUnauthorizedHandler } from './api';
import { clearToken, getToken, setToken, takeTokenFromUrl } from './auth';
import { h, replace } from './dom';
import { renderCompare } from './pages/compare';
import { renderLeaderboard } from './pages/leaderboard';
import { renderPromptList } from './pages/prompt-list';
import { renderReplaceSession, renderSignIn } from './pages/sign-in';
import { dispatch, route, startRouter } from './router';
import { endSession, type Session, startSession } from './session';
import { currentTheme, initTheme, onThemeChange, setTheme } from './theme';

initTheme();
const root = document.querySelector<HTMLElement>('#app')!;

function shell(s: Session): HTMLElement {
  const main = h('main', { id: 'main', tabindex: '-1' });
  const toggle = h(
    'button',
    { type: 'button', class: 'ghost', 'aria-pressed': String(currentTheme() === 'dark') },
    'Dark mode',
  );
  toggle.addEventListener('click', () => setTheme(currentTheme() === 'dark' ? 'light' : 'dark'));
  onThemeChange((t) => toggle.setAttribute('aria-pressed', String(t === 'dark')));
  const signOut = h('button', { type: 'button', class: 'ghost' }, 'Sign out');
  signOut.addEventListener('click', () => {
    clearToken();
    endSession();
    boot();
  });
  const link = (href: string, text: string) => h('a', { href, 'data-link': true }, text);
  replace(
    root,
    h('a', { href: '#main', class: 'skip' }, 'Skip to content'),
    h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'brand' }, 'Prompt Ledger'),
      h(
        'nav',
        { 'aria-label': 'Main' },
        link('/prompts', 'Prompts'),
        link('/leaderboard', 'Leaderboard'),
        link('/compare', 'Compare'),
      ),
      h('span', { class: 'role', title: 'Your key’s role' }, s.role),
      toggle,
      signOut,
    ),
    main,
  );
  return main;
}

function markCurrentLink(): void {
  for (const a of root.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === location.pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function boot(error?: string): Promise<void> {
  const token = getToken();
  if (!token) {
    renderSignIn(root, () => void boot(), error);
    return;
  }
  let s: Session;
  try {
    s = await startSession(await api.roleOf(token));
  } catch (err) {
    clearToken();
    renderSignIn(root, () => void boot(), err instanceof Error ? err.message : String(err));
    return;
  }
  const main = shell(s);
  const page =
    (render: (main: HTMLElement, params: URLSearchParams) => void | Promise<void>) =>
    (params: URLSearchParams) => {
      markCurrentLink();
      return render(main, params);
    };
  route('/prompts', page(renderPromptList));
  route('/leaderboard', page(renderLeaderboard));
  route('/compare', page(renderCompare));
  await dispatch();
}

/** After the first start, a fragment change (the skip link's #main) matters only if it carries a key. */
let started = false;

const QUERY_REFUSED =
  'That link carried the key in its query (?token=), which reaches server logs, so it was not used. ' +
  'Use a link with #token= (what the server prints now) or paste the key.';

/** A sign-in link's key is taken at once; replacing a different signed-in key asks first. */
function start(): void {
  const linked = takeTokenFromUrl();
  const token = linked.token;
  if (!token && started) return;
  started = true;
  const current = getToken();
  if (token && current && current !== token) {
    renderReplaceSession(root, current, token, (replace) => {
      if (replace) setToken(token);
      void boot();
    });
    return;
  }
  if (token) setToken(token);
  void boot(linked.refusedQuery && !token && !current ? QUERY_REFUSED : undefined);
}

setUnauthorizedHandler((msg) => {
  clearToken();
  endSession();
  void boot(msg);
});
// A link opened in a tab already showing the app (same path) changes only the fragment: no reload,
// but popstate then hashchange. Listen before the router does: its re-render rewrites the address.
window.addEventListener('popstate', start);
window.addEventListener('hashchange', start);
startRouter();
start();
