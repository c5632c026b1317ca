/** Paste an API key; the server prints a sign-in link (`/?token=…`) at first start. */
import { api } from '../api';
import { setToken } from '../auth';
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
