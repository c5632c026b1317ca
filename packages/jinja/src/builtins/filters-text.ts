/**
 * String and HTML filters: case, padding, truncation, wrapping, indentation, replacing,
 * formatting, escaping, tag stripping, URL helpers, JSON and pretty printing.
 */
import { TemplateRuntimeError } from '../errors.js';
import { formatValue, percentFormat, percentFormatArgs } from '../format.js';
import type { CallContext, FilterFn } from '../runtime/types.js';
import { EMPTY_KWARGS } from '../runtime/types.js';
import {
  binaryOp,
  codePoints,
  compare,
  escapeHtml,
  hasSurrogates,
  isIntLike,
  isMapping,
  isNumeric,
  isUndefined,
  iterate,
  length as length_,
  Markup,
  makeDict,
  mappingEntries,
  escape as markupEscape,
  repr,
  slice,
  toNumber,
  toStr,
  truthy,
  typeName,
  Undefined,
  undefinedError,
} from '../values.js';
import {
  checkStr,
  intArg,
  isSpaceChar,
  like,
  meterInput,
  pyCapitalize,
  pyCenter,
  pyReplace,
  pyStrip,
  selfChecking,
  softStr,
  splitlines,
  splitWhitespace,
  strArg,
  toFloatPy,
} from './common.js';
import { INVALID_CHARREFS, LEGACY_ENTITIES, NAMED_ENTITIES } from './html-entities.js';
import { bind, checkNoArgs, type Signature } from './params.js';
import { jsonDumps, pformat } from './pretty.js';

type Filters = Record<string, FilterFn>;

export const textFilters: Filters = Object.create(null);

textFilters.upper = selfChecking((ctx, value, args, kwargs) => {
  checkNoArgs('upper', args, kwargs);
  meterInput(ctx, value);
  if (typeof value === 'string') return value.toUpperCase();
  const { s, markup } = softStr(value, ctx.budget);
  return like(markup, s.toUpperCase());
});

textFilters.lower = selfChecking((ctx, value, args, kwargs) => {
  checkNoArgs('lower', args, kwargs);
  meterInput(ctx, value);
  if (typeof value === 'string') return value.toLowerCase();
  const { s, markup } = softStr(value, ctx.budget);
  return like(markup, s.toLowerCase());
});

textFilters.capitalize = (ctx, value) => {
  const { s, markup } = softStr(value, ctx.budget);
  return like(markup, pyCapitalize(s));
};

textFilters.title = (ctx, value) => {
  const { s } = softStr(value, ctx.budget);
  // Jinja2 starts a new word after dashes, whitespace and opening brackets.
  return s
    .split(/([-\s({[<]+)/u)
    .filter((item) => item !== '')
    .map((item) => {
      const cps = codePoints(item);
      return (cps[0] ?? '').toUpperCase() + cps.slice(1).join('').toLowerCase();
    })
    .join('');
};

textFilters.center = (ctx, value, args, kwargs) => {
  const [width] = bind({ name: 'do_center', params: [['width', 80]] }, args, kwargs);
  const w = intArg(width, 'width');
  const { s, markup } = softStr(value, ctx.budget);
  if (w > s.length) checkStr(ctx, w);
  return like(markup, pyCenter(s, w));
};

textFilters.trim = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  const [chars] = bind({ name: 'do_trim', params: [['chars', null]] }, args, kwargs);
  const { s, markup } = softStr(value, ctx.budget);
  let c = chars === null || chars === undefined ? null : strArg(chars, 'strip arg');
  // Markup.strip escapes a plain-string argument (markupsafe wraps strip like replace).
  if (markup && c !== null && !(chars instanceof Markup)) c = markupEscape(c).value;
  return like(markup, pyStrip(s, c, true, true));
});

textFilters.string = (ctx, value) => (value instanceof Markup ? value : toStr(value, ctx.budget));

textFilters.safe = (ctx, value) => (value instanceof Markup ? value : new Markup(toStr(value, ctx.budget)));

textFilters.escape = (ctx, value) => {
  const r = markupEscape(value instanceof Markup ? value : toStr(value, ctx.budget));
  checkStr(ctx, r.value.length);
  return r;
};
textFilters.e = textFilters.escape;

textFilters.forceescape = (ctx, value) =>
  new Markup(escapeHtml(value instanceof Markup ? value.value : toStr(value, ctx.budget)));

textFilters.wordcount = (ctx, value) => {
  const { s } = softStr(value, ctx.budget);
  return (s.match(/[\p{L}\p{N}_]+/gu) ?? []).length;
};

const TRUNCATE_SIG: Signature = {
  name: 'do_truncate',
  params: [
    ['length', 255],
    ['killwords', false],
    ['end', '...'],
    ['leeway', null],
  ],
};

/**
 * `s|truncate(n)` / `s|truncate(n, killwords)` on a plain string, with an int n >= 3 and a bool
 * killwords: end '...', leeway 5. Undefined when another case must take the general path.
 */
function truncatePlain(ctx: CallContext, value: string, args: unknown[]): string | undefined {
  const n = args.length > 0 ? args[0] : 255;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 3) return undefined;
  const kill = args.length > 1 ? args[1] : false;
  if (typeof kill !== 'boolean' || args.length > 2) return undefined;
  // Python lengths are code points; a string without surrogates has one unit per code point.
  if (hasSurrogates(value)) return undefined;
  if (value.length <= n + 5) return value;
  let kept = value.slice(0, n - 3);
  if (!kill) {
    const cut = kept.lastIndexOf(' ');
    if (cut >= 0) kept = kept.slice(0, cut);
  }
  checkStr(ctx, kept.length + 3);
  return `${kept}...`;
}

textFilters.truncate = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  if (typeof value === 'string' && kwargs === EMPTY_KWARGS) {
    const r = truncatePlain(ctx, value, args);
    if (r !== undefined) return r;
  }
  const [length, killwords, end, leeway] = bind(TRUNCATE_SIG, args, kwargs);
  // Mirrors Jinja2 step by step with Python operators, so odd argument types fail (or not) where
  // Python's do_truncate does: `len(end)`, the asserts, `len(s) <= length + leeway`, the slice.
  const endLen = length_(end);
  const lw = leeway === null || leeway === undefined ? 5 : leeway;
  if (!compare('>=', length, endLen)) {
    throw new TemplateRuntimeError(`expected length >= ${endLen}, got ${toStr(length)}`);
  }
  if (!compare('>=', lw, 0)) throw new TemplateRuntimeError(`expected leeway >= 0, got ${toStr(lw)}`);
  if (compare('<=', length_(value), binaryOp('+', length, lw))) return value;
  const stop = binaryOp('-', length, endLen);
  if (!(typeof value === 'string' || value instanceof Markup)) {
    throw new TemplateRuntimeError(`'${typeName(value)}' object is not subscriptable`);
  }
  const markup = value instanceof Markup;
  const head = slice(markup ? value.value : value, null, stop, null) as string;
  let kept = head;
  if (!truthy(killwords)) {
    const cut = head.lastIndexOf(' ');
    if (cut >= 0) kept = head.slice(0, cut);
  }
  checkStr(ctx, kept.length + endLen);
  // Markup + str escapes the str (markupsafe); str + non-str is Python's TypeError.
  if (markup) return binaryOp('+', new Markup(kept), end, ctx.budget);
  return binaryOp('+', kept, end, ctx.budget);
});

textFilters.replace = (ctx, value, args, kwargs) => {
  const [old, rep, count] = bind(
    { name: 'do_replace', params: [['old'], ['new'], ['count', null]] },
    args,
    kwargs,
  );
  const n = count === null || count === undefined ? -1 : intArg(count, 'count');
  if (!ctx.autoescape) return pyReplace(ctx, toStr(value, ctx.budget), toStr(old), toStr(rep), n);
  // Under autoescape a Markup argument forces the subject to be escaped first (Jinja2's rule).
  let subject: Markup | string;
  if ((old instanceof Markup || rep instanceof Markup) && !(value instanceof Markup))
    subject = markupEscape(value);
  else subject = value instanceof Markup ? value : toStr(value, ctx.budget);
  if (subject instanceof Markup) {
    return new Markup(pyReplace(ctx, subject.value, markupEscape(old).value, markupEscape(rep).value, n));
  }
  return pyReplace(ctx, subject, toStr(old), toStr(rep), n);
};

textFilters.format = selfChecking((ctx, value, args, kwargs) => {
  meterInput(ctx, value);
  const fmt = typeof value === 'string' || value instanceof Markup ? value : toStr(value, ctx.budget);
  if (kwargs !== EMPTY_KWARGS) {
    for (const _ in kwargs) {
      if (args.length > 0) {
        throw new TemplateRuntimeError("can't handle positional and keyword arguments at the same time");
      }
      const params = makeDict(Object.keys(kwargs).map((k) => [k, kwargs[k]] as const));
      return percentFormat(fmt, params, ctx.budget);
    }
  }
  // `value % args` with args a tuple: the argument list is used as is, no tuple is built.
  return percentFormatArgs(fmt, args, undefined, ctx.budget);
});

textFilters.indent = (ctx, value, args, kwargs) => {
  const [width, first, blank] = bind(
    {
      name: 'do_indent',
      params: [
        ['width', 4],
        ['first', false],
        ['blank', false],
      ],
    },
    args,
    kwargs,
  );
  if (value instanceof Undefined) throw undefinedError(value); // `s += newline` fails on Undefined
  if (typeof value !== 'string' && !(value instanceof Markup)) {
    throw new TemplateRuntimeError(`'${typeName(value)}' object has no attribute 'splitlines'`);
  }
  const markup = value instanceof Markup;
  let s = markup ? value.value : toStr(value, ctx.budget);
  let ind: string;
  // Jinja2 wraps a string width in Markup() (no escaping) when the text is Markup.
  if (typeof width === 'string' || width instanceof Markup) ind = toStr(width);
  else {
    const w = Math.max(0, intArg(width, 'width'));
    checkStr(ctx, w);
    ind = ' '.repeat(w);
  }
  s += '\n'; // Jinja2 appends a newline so splitlines keeps a trailing empty line
  const lines = splitlines(s);
  checkStr(ctx, s.length + (lines.length + 1) * ind.length);
  if (!markup && width instanceof Markup) return indentMixed(lines, ind, truthy(first), truthy(blank));
  let out: string;
  if (truthy(blank)) out = lines.join(`\n${ind}`);
  else {
    out = lines[0] ?? '';
    const rest = lines.slice(1);
    if (rest.length > 0) out += `\n${rest.map((l) => (l ? ind + l : l)).join('\n')}`;
  }
  if (truthy(first)) out = ind + out;
  return like(markup, out);
};

/**
 * A plain string indented by a Markup width: Jinja2's `Markup + str` escapes the str, so lines
 * joined after a Markup indent are escaped, and `first=True` escapes the whole (already partly
 * escaped) text once more. Reproduced as is.
 */
function indentMixed(lines: string[], ind: string, first: boolean, blank: boolean): string | Markup {
  const esc = (x: string): string => markupEscape(x).value;
  if (blank) {
    const out = lines.map(esc).join(`\n${ind}`);
    return new Markup(first ? ind + out : out);
  }
  let out = lines[0] ?? '';
  const rest = lines.slice(1);
  if (rest.length > 0) out += `\n${rest.map((l) => (l ? ind + esc(l) : l)).join('\n')}`;
  return first ? new Markup(ind + esc(out)) : out;
}

// ---------------------------------------------------------------------------------------------
// wordwrap: Python's textwrap.wrap with expand_tabs=False, replace_whitespace=False

const W = '[\\p{L}\\p{N}_]';
const LT = '[\\p{L}\\p{Nl}\\p{No}_]';
const WP = `(?:${W}|[!"'&.,?])`;
const WS = '[\\t\\n\\v\\f\\r ]';
const NWS = '[^\\t\\n\\v\\f\\r ]';
const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=${W})|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}${W})))`,
  'u',
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`, 'u');

function cpLen(s: string): number {
  return codePoints(s).length;
}

function isBlank(s: string): boolean {
  for (const ch of s) if (!isSpaceChar(ch)) return false;
  return true;
}

export function textwrap(
  text: string,
  width: number,
  breakLongWords: boolean,
  breakOnHyphens: boolean,
): string[] {
  if (width <= 0) throw new TemplateRuntimeError(`invalid width ${width} (must be > 0)`);
  const chunks = text.split(breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).filter((c) => c !== '');
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const cur: string[] = [];
    let curLen = 0;
    if (lines.length > 0 && isBlank(chunks[chunks.length - 1] ?? '')) chunks.pop();
    while (chunks.length > 0) {
      const l = cpLen(chunks[chunks.length - 1] ?? '');
      if (curLen + l > width) break;
      cur.push(chunks.pop() ?? '');
      curLen += l;
    }
    const next = chunks[chunks.length - 1];
    if (next !== undefined && cpLen(next) > width) {
      const spaceLeft = width < 1 ? 1 : width - curLen;
      if (breakLongWords) {
        const cps = codePoints(next);
        if (!Number.isInteger(spaceLeft)) {
          throw new TemplateRuntimeError(
            'slice indices must be integers or None or have an __index__ method',
          );
        }
        let end = spaceLeft;
        if (breakOnHyphens && cps.length > spaceLeft) {
          const hyphen = cps.slice(0, spaceLeft).lastIndexOf('-');
          if (hyphen > 0 && cps.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
        }
        cur.push(cps.slice(0, end).join(''));
        chunks[chunks.length - 1] = cps.slice(end).join('');
      } else if (cur.length === 0) {
        cur.push(chunks.pop() ?? '');
      }
    }
    if (cur.length > 0 && isBlank(cur[cur.length - 1] ?? '')) {
      curLen -= cpLen(cur[cur.length - 1] ?? '');
      cur.pop();
    }
    if (cur.length > 0) lines.push(cur.join(''));
  }
  return lines;
}

textFilters.wordwrap = (ctx, value, args, kwargs) => {
  const [width, breakLong, wrapstring, breakHyphens] = bind(
    {
      name: 'do_wordwrap',
      params: [
        ['width', 79],
        ['break_long_words', true],
        ['wrapstring', null],
        ['break_on_hyphens', true],
      ],
    },
    args,
    kwargs,
  );
  if (value instanceof Undefined) throw undefinedError(value); // Jinja2 calls s.splitlines()
  if (typeof value !== 'string' && !(value instanceof Markup)) {
    throw new TemplateRuntimeError(`'${typeName(value)}' object has no attribute 'splitlines'`);
  }
  const s = toStr(value, ctx.budget);
  if (
    wrapstring !== null &&
    wrapstring !== undefined &&
    typeof wrapstring !== 'string' &&
    !(wrapstring instanceof Markup)
  ) {
    throw new TemplateRuntimeError(`'${typeName(wrapstring)}' object has no attribute 'join'`);
  }
  const lines = splitlines(s);
  if (lines.length === 0) return ''; // textwrap (and its width check) never runs
  if (!isNumeric(width)) {
    throw new TemplateRuntimeError(`'<=' not supported between instances of '${typeName(width)}' and 'int'`);
  }
  const w = toNumber(width);
  const sep = wrapstring === null || wrapstring === undefined ? '\n' : toStr(wrapstring);
  const paragraphs = lines.map((line) => textwrap(line, w, truthy(breakLong), truthy(breakHyphens)));
  const count = paragraphs.reduce((n, p) => n + Math.max(1, p.length), 0);
  checkStr(ctx, s.length + count * sep.length);
  return paragraphs.map((p) => p.join(sep)).join(sep);
};

// ---------------------------------------------------------------------------------------------
// HTML helpers

/** Python's `html.unescape`: numeric references (with HTML5's replacements) and named entities. */
export function htmlUnescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g, (m, body: string) => {
    if (body.startsWith('#')) {
      const hexa = body[1] === 'x' || body[1] === 'X';
      const digits = body.slice(hexa ? 2 : 1).replace(/;$/, '');
      const code = Number.parseInt(digits, hexa ? 16 : 10);
      const replaced = INVALID_CHARREFS[code];
      if (replaced !== undefined) return replaced;
      if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return '\ufffd';
      if (isInvalidCodepoint(code)) return '';
      return String.fromCodePoint(code);
    }
    const name = body.endsWith(';') ? body.slice(0, -1) : undefined;
    if (name !== undefined) {
      const cp = NAMED_ENTITIES[name];
      if (cp !== undefined) return String.fromCodePoint(cp);
    }
    if (LEGACY_ENTITIES.has(body)) return String.fromCodePoint(NAMED_ENTITIES[body] ?? 0xfffd);
    // Legacy names match without a semicolon, longest prefix first (`&ampx` is `&x`).
    for (let x = body.length - 1; x > 1; x--) {
      const prefix = body.slice(0, x);
      if (LEGACY_ENTITIES.has(prefix))
        return String.fromCodePoint(NAMED_ENTITIES[prefix] ?? 0xfffd) + body.slice(x);
    }
    return m;
  });
}

/** Code points html.unescape drops: C0/C1 controls (but not whitespace) and noncharacters. */
function isInvalidCodepoint(c: number): boolean {
  return (
    (c >= 0x1 && c <= 0x8) ||
    c === 0xb ||
    (c >= 0xe && c <= 0x1f) ||
    (c >= 0x7f && c <= 0x9f) ||
    (c >= 0xfdd0 && c <= 0xfdef) ||
    (c & 0xfffe) === 0xfffe
  );
}

textFilters.striptags = (ctx, value) => {
  const s = value instanceof Markup ? value.value : toStr(value, ctx.budget);
  const stripped = s.replace(/<!--[\s\S]*?-->/g, '').replace(/<[\s\S]*?>/g, '');
  return htmlUnescape(splitWhitespace(stripped).join(' '));
};

const ATTR_KEY_BAD = /[\s/>=]/;

textFilters.xmlattr = (ctx, value, args, kwargs) => {
  const [autospace] = bind({ name: 'do_xmlattr', params: [['autospace', true]] }, args, kwargs);
  if (value instanceof Undefined) throw undefinedError(value);
  if (!isMapping(value)) throw new TemplateRuntimeError(`'${repr(value)}' has no attribute 'items'`);
  const items: string[] = [];
  for (const [k, v] of mappingEntries(value)) {
    if (v === null || v === undefined || v instanceof Undefined) continue;
    if (typeof k !== 'string' && !(k instanceof Markup)) {
      throw new TemplateRuntimeError(`expected string or bytes-like object, got '${typeName(k)}'`);
    }
    const key = toStr(k);
    if (ATTR_KEY_BAD.test(key))
      throw new TemplateRuntimeError(`Invalid character in attribute name: ${repr(k)}`);
    items.push(`${markupEscape(k).value}="${markupEscape(v).value}"`);
  }
  let rv = items.join(' ');
  if (truthy(autospace) && rv) rv = ` ${rv}`;
  return ctx.autoescape ? new Markup(rv) : rv;
};

/** Python `urllib.parse.quote` on the UTF-8 bytes; unreserved characters and `safe` stay. */
export function urlQuote(v: unknown, forQs: boolean): string {
  const s = typeof v === 'string' ? v : v instanceof Markup ? v.value : toStr(v);
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(ch) || (!forQs && ch === '/')) out += ch;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQs ? out.replace(/%20/g, '+') : out;
}

textFilters.urlencode = (_ctx, value) => {
  if (typeof value === 'string' || value instanceof Markup || !isIterableValue(value))
    return urlQuote(value, false);
  const pairs: [unknown, unknown][] = isMapping(value)
    ? mappingEntries(value)
    : [...iterate(value)].map((p) => {
        const items = [...iterate(p)];
        if (items.length !== 2) throw new TemplateRuntimeError('too many values to unpack (expected 2)');
        return [items[0], items[1]];
      });
  return pairs.map(([k, v]) => `${urlQuote(k, true)}=${urlQuote(v, true)}`).join('&');
};

function isIterableValue(v: unknown): boolean {
  try {
    iterate(v);
    return !isUndefined(v);
  } catch {
    return false;
  }
}

const URL_W = '[\\p{L}\\p{N}_]';
const HTTP_RE = new RegExp(
  `^((https?://|www\\.)((${URL_W}|[%-])+\\.)*([a-z]{2,63}|xn--(${URL_W}|%){2,59})` +
    `|((${URL_W}|[%-]){2,63}\\.)+(com|net|int|edu|gov|org|info|mil)` +
    `|(https?://)((\\d{1,3}(\\.\\d{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}\\])))` +
    '(?::\\d{1,5})?(?:[/?#]\\S*)?$',
  'iu',
);
const EMAIL_RE = new RegExp(`^\\S+@${URL_W}(${URL_W}|[.-])*\\.${URL_W}+$`, 'u');
const SCHEME_RE = /^([\p{L}\p{N}_.+-]{2,}:(\/){0,2})$/u;

/** Jinja2's `urlize`: wraps URLs and e-mail addresses found in (escaped) text in links. */
export function urlize(
  text: string,
  trimLimit: unknown,
  rel: string | undefined,
  target: string | undefined,
  extraSchemes: string[],
): string {
  const trim = (x: string): string => {
    if (trimLimit === undefined) return x;
    const cps = codePoints(x);
    if (!compare('>', cps.length, trimLimit)) return x;
    return `${cps.slice(0, intArg(trimLimit, 'trim_url_limit')).join('')}...`;
  };
  const words = text.split(/(\s+)/u);
  const relAttr = rel ? ` rel="${escapeHtml(rel)}"` : '';
  const targetAttr = target ? ` target="${escapeHtml(target)}"` : '';
  return words
    .map((word) => {
      let head = '';
      let middle = word;
      let tail = '';
      const lead = /^([(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(lead[0].length);
      }
      if (/([)>.,\n]|&gt;)$/.test(middle)) {
        const trail = /([)>.,\n]|&gt;)+$/.exec(middle);
        if (trail) {
          tail = trail[0];
          middle = middle.slice(0, trail.index);
        }
      }
      for (const [open, close] of [
        ['(', ')'],
        ['<', '>'],
        ['&lt;', '&gt;'],
      ] as const) {
        const opens = middle.split(open).length - 1;
        if (opens <= middle.split(close).length - 1) continue;
        const moves = Math.min(opens, tail.split(close).length - 1);
        for (let i = 0; i < moves; i++) {
          const endIndex = tail.indexOf(close) + close.length;
          middle += tail.slice(0, endIndex);
          tail = tail.slice(endIndex);
        }
      }
      if (HTTP_RE.test(middle)) {
        const href =
          middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith('mailto:') && EMAIL_RE.test(middle.slice(7))) {
        middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      } else if (
        middle.includes('@') &&
        !middle.startsWith('www.') &&
        !middle.includes(':') &&
        EMAIL_RE.test(middle)
      ) {
        middle = `<a href="mailto:${middle}">${middle}</a>`;
      } else {
        for (const scheme of extraSchemes) {
          if (middle !== scheme && middle.startsWith(scheme)) {
            middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
          }
        }
      }
      return head + middle + tail;
    })
    .join('');
}

textFilters.urlize = (ctx, value, args, kwargs) => {
  const [trimLimit, nofollow, target, rel, extra] = bind(
    {
      name: 'do_urlize',
      params: [
        ['trim_url_limit', null],
        ['nofollow', false],
        ['target', null],
        ['rel', null],
        ['extra_schemes', null],
      ],
    },
    args,
    kwargs,
  );
  // Jinja2 does `(rel or "").split()`: a truthy non-string has no split().
  if (truthy(rel) && typeof rel !== 'string' && !(rel instanceof Markup)) {
    throw new TemplateRuntimeError(`'${typeName(rel)}' object has no attribute 'split'`);
  }
  const relParts = new Set(splitWhitespace(truthy(rel) ? toStr(rel) : ''));
  if (truthy(nofollow)) relParts.add('nofollow');
  relParts.add('noopener'); // Jinja2's default `urlize.rel` policy
  const relStr = [...relParts].sort().join(' ') || undefined;
  const schemes = extra === null || extra === undefined ? [] : [...iterate(extra)].map((x) => toStr(x));
  for (const scheme of schemes) {
    if (!SCHEME_RE.test(scheme))
      throw new TemplateRuntimeError(`${repr(scheme)} is not a valid URI scheme prefix.`);
  }
  // Python only looks at trim_url_limit when it shortens a URL, so a bad value fails only then.
  const limit = trimLimit === null || trimLimit === undefined ? undefined : trimLimit;
  // markupsafe.escape leaves Markup alone and escapes everything else.
  const rv = urlize(
    markupEscape(value).value,
    limit,
    relStr,
    truthy(target) ? toStr(target) : undefined, // Jinja2 adds target="…" only for a truthy target
    schemes,
  );
  checkStr(ctx, rv.length);
  return ctx.autoescape ? new Markup(rv) : rv;
};

// ---------------------------------------------------------------------------------------------
// Numbers as text, JSON, pretty printing

const DECIMAL_UNITS = ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

textFilters.filesizeformat = (_ctx, value, args, kwargs) => {
  const [binary] = bind({ name: 'do_filesizeformat', params: [['binary', false]] }, args, kwargs);
  const f = toFloatPy(value);
  if (f === undefined) {
    throw new TemplateRuntimeError(
      typeof value === 'string'
        ? `could not convert string to float: ${repr(value)}`
        : `float() argument must be a string or a real number, not '${repr(value)}'`,
    );
  }
  const bytes = typeof f === 'number' ? f : f.value;
  const bin = truthy(binary);
  const base = bin ? 1024 : 1000;
  const units = bin ? BINARY_UNITS : DECIMAL_UNITS;
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = base;
  let prefix = units[0] ?? '';
  for (let i = 0; i < units.length; i++) {
    unit = base ** (i + 2);
    prefix = units[i] ?? '';
    if (bytes < unit) break;
  }
  return `${formatValue((base * bytes) / unit, '.1f')} ${prefix}`;
};

textFilters.tojson = (ctx, value, args, kwargs) => {
  const [indent] = bind({ name: 'do_tojson', params: [['indent', null]] }, args, kwargs);
  let ind: string | undefined;
  if (indent === null || indent === undefined) ind = undefined;
  else if (typeof indent === 'string' || indent instanceof Markup) ind = toStr(indent);
  else if (isIntLike(indent)) {
    const n = intArg(indent, 'indent');
    checkStr(ctx, n);
    ind = ' '.repeat(Math.max(0, n));
  } else if (typeof value === 'string' || value instanceof Markup) {
    ind = undefined; // JSONEncoder.encode short-cuts plain strings before looking at indent
  } else {
    // json.dumps turns an int indent into `' ' * indent` before encoding anything else.
    throw new TemplateRuntimeError(`can't multiply sequence by non-int of type '${typeName(indent)}'`);
  }
  const json = jsonDumps(value, ind, ctx.budget);
  return new Markup(
    json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027'),
  );
};

textFilters.pprint = (ctx, value) => pformat(value, ctx.budget);
