/** Paste an API key; the server prints a sign-in link (`/#token=…`) at first start. */
import { api } from '../api';
import { keyLabel, setToken } from '../auth';
import { message } from '../dialog';
import { field, h, replace } from '../dom';

export function renderSignIn(root: HTMLElement, onSignedIn: () => void, error?: string): void {
  const input = h('input', {
    type: 'password',
    name: 'api-key',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const status = h('div', { 'aria-live': 'polite' }, error ? message('error', error) : null);
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to Prompt Ledger'),
    h(
      'p',
      {},
      'Paste an API key. At first start the server prints a sign-in link with an admin key; an admin can create keys for editors and viewers.',
    ),
    field('API key', input),
    status,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = input.value.trim();
    try {
      await api.roleOf(token);
      setToken(token);
      onSignedIn();
    } catch (err) {
      replace(status, message('error', err instanceof Error ? err.message : String(err)));
    }
  });
  replace(root, h('main', { id: 'main', class: 'center' }, form));
  input.focus();
}

/**
 * A sign-in link arrived while this tab is signed in with another key: replacing the session is
 * the user's choice, not the link's (a link can be sent by someone else).
 */
export function renderReplaceSession(
  root: HTMLElement,
  current: string,
  linked: string,
  decide: (replace: boolean) => void,
): void {
  const replaceButton = h('button', { type: 'button', class: 'primary' }, 'Sign in with the new key');
  const keepButton = h('button', { type: 'button' }, 'Keep the current session');
  replaceButton.addEventListener('click', () => decide(true));
  keepButton.addEventListener('click', () => decide(false));
  const card = h(
    'section',
    { class: 'card sign-in', 'aria-labelledby': 'replace-title' },
    h('h1', { id: 'replace-title' }, 'Replace your session?'),
    h(
      'p',
      {},
      `This link signs in with ${keyLabel(linked)}; this tab is signed in with ${keyLabel(current)}. `,
      'Only continue if you opened a link you trust.',
    ),
    h('div', { class: 'actions' }, keepButton, replaceButton),
  );
  replace(root, h('main', { id: 'main', class: 'center' }, card));
  keepButton.focus();
}
