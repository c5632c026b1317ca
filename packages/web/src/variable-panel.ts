/** The reference beside the editor: variables and filters, one click inserts at the cursor. */
import { h } from './dom';
import { COMMON_VARIABLES, FILTERS, INDICATOR_VARIABLES } from './reference';

export function variablePanel(insert: (text: string) => void, readOnly: boolean): HTMLElement {
  const item = (label: string, doc: string, text: string) =>
    h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: 'ref',
          disabled: readOnly,
          'aria-label': `Insert ${label}`,
          title: doc,
          onclick: () => insert(text),
        },
        h('code', {}, label),
      ),
      h('span', { class: 'ref-doc' }, doc),
    );
  return h(
    'aside',
    { class: 'reference', 'aria-label': 'Variable reference' },
    h('h3', {}, 'Common variables'),
    h(
      'ul',
      {},
      COMMON_VARIABLES.map(([n, d]) => item(n, d, `{{ ${n} }}`)),
    ),
    h('h3', {}, 'Indicators'),
    h(
      'ul',
      {},
      INDICATOR_VARIABLES.map(([n, d]) => item(n.replace('indicators.', ''), d, `{{ ${n} }}`)),
    ),
    h('h3', {}, 'Filters'),
    h(
      'ul',
      {},
      FILTERS.map((f) => item(f.name, f.doc, ` | ${f.name}`)),
    ),
  );
}
