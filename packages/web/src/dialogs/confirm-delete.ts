/** Deleting names the prompt and needs a second, explicit click. */
import { message, openDialog } from '../dialog';
import { h, replace } from '../dom';
import type { Prompt } from '../types';

export function openConfirmDelete(prompt: Prompt, onConfirm: () => Promise<void>): void {
  const dlg = openDialog(`Delete “${prompt.name}”?`, { size: 'small' });
  const status = h('div', { 'aria-live': 'polite' });
  replace(
    dlg.body,
    h(
      'p',
      {},
      `The prompt “${prompt.name}” (version ${prompt.version}) will disappear from the list. Its versions, the signals it produced and their performance are kept.`,
    ),
    status,
  );
  const cancel = h('button', { type: 'button' }, 'Cancel');
  cancel.addEventListener('click', () => dlg.close());
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Confirm delete');
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      await onConfirm();
      dlg.close();
    } catch (err) {
      confirm.disabled = false;
      replace(status, message('error', err instanceof Error ? err.message : String(err)));
    }
  });
  replace(dlg.footer, cancel, confirm);
  cancel.focus();
}
