/**
 * Modal dialogs on the native <dialog>: showModal() makes the rest of the page inert (so Tab stays
 * inside) and Esc closes it; we return focus to whatever opened it.
 */
import { type Child, h } from './dom';

export interface Dialog {
  el: HTMLDialogElement;
  body: HTMLElement;
  footer: HTMLElement;
  close(): void;
  onClose(fn: () => void): void;
}

export function openDialog(
  title: string,
  options: { size?: 'small' | 'medium' | 'large'; describedBy?: string } = {},
): Dialog {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
  const body = h('div', { class: 'dialog-body' });
  const footer = h('div', { class: 'dialog-footer' });
  const closeButton = h('button', { type: 'button', class: 'icon', 'aria-label': 'Close dialog' }, '×');
  const el = h(
    'dialog',
    { class: `dialog ${options.size ?? 'medium'}`, 'aria-labelledby': titleId },
    h('header', { class: 'dialog-header' }, h('h2', { id: titleId }, title), closeButton),
    body,
    footer,
  );
  const closers: (() => void)[] = [];
  el.addEventListener('close', () => {
    for (const fn of closers) fn();
    el.remove();
    opener?.focus?.();
  });
  closeButton.addEventListener('click', () => el.close());
  // showModal() makes the page inert, but Tab would still leave for the browser's own UI after the
  // last control: wrap it around inside the dialog instead.
  el.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const focusable = [
      ...el.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex="0"]'),
    ].filter((e) => !e.hasAttribute('disabled') && e.offsetParent !== null);
    const first = focusable[0];
    const last = focusable.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  document.body.append(el);
  el.showModal();
  return { el, body, footer, close: () => el.close(), onClose: (fn) => closers.push(fn) };
}

/** A status line for results and errors; `role=alert` so errors are announced. */
export function message(kind: 'error' | 'info' | 'success', ...text: Child[]): HTMLElement {
  return h('p', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...text);
}
