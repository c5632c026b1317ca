import type { FilterFn } from '../runtime/types.js';
import { inputSize, selfChecked } from './common.js';
import { seqFilters } from './filters-seq.js';
import { textFilters } from './filters-text.js';
import { checkNoArgs } from './params.js';

/** Filters that take no arguments besides the value: extra arguments are a TypeError in Python. */
const NO_ARGS = [
  'upper',
  'lower',
  'capitalize',
  'title',
  'string',
  'safe',
  'escape',
  'e',
  'forceescape',
  'wordcount',
  'striptags',
  'urlencode',
  'pprint',
  'first',
  'last',
  'random',
  'length',
  'count',
  'list',
  'reverse',
  'items',
  'abs',
];

/** Filters whose cost does not grow with the size of their input. */
const CONSTANT_TIME = new Set(['first', 'length', 'count', 'default', 'd', 'attr', 'safe', 'items']);

/** One wrapper per filter (they run on every `|filter`): arity check for no-argument filters, fuel. */
function wrap(name: string, fn: FilterFn, noArguments: boolean, meter: boolean): FilterFn {
  if (!noArguments) {
    return (ctx, value, args, kwargs) => {
      const n = inputSize(value);
      if (n > 0) ctx.budget.spend(n);
      return fn(ctx, value, args, kwargs);
    };
  }
  if (!meter) {
    return (ctx, value, args, kwargs) => {
      checkNoArgs(name, args, kwargs);
      return fn(ctx, value, args, kwargs);
    };
  }
  return (ctx, value, args, kwargs) => {
    checkNoArgs(name, args, kwargs);
    const n = inputSize(value);
    if (n > 0) ctx.budget.spend(n);
    return fn(ctx, value, args, kwargs);
  };
}

function build(): Record<string, FilterFn> {
  const all: Record<string, FilterFn> = Object.create(null);
  for (const [k, f] of Object.entries(textFilters)) all[k] = f;
  for (const [k, f] of Object.entries(seqFilters)) all[k] = f;
  const noArgNames = new Set(NO_ARGS);
  for (const name of Object.keys(all)) {
    const f = all[name];
    const noArguments = noArgNames.has(name);
    const meter = !CONSTANT_TIME.has(name);
    if (f && (noArguments || meter) && !selfChecked.has(f)) all[name] = wrap(name, f, noArguments, meter);
  }
  return all;
}

export const builtinFilters: Record<string, FilterFn> = build();
