/**
 * Tokenizer with Jinja2's rules for data, tags, comments, raw blocks and whitespace control.
 * Hand-written (no big regex alternations) so tokenizing stays linear and fast; every token carries
 * the 1-based line and column of its first character in the (newline-normalized) source, which is
 * the line Jinja2 reports.
 */
import { TemplateSyntaxError } from './errors.js';
import { isPySpaceCode } from './pyspace.js';

export type TokenType =
  | 'data'
  | 'variable_begin'
  | 'variable_end'
  | 'block_begin'
  | 'block_end'
  | 'name'
  | 'string'
  | 'integer'
  | 'float'
  | 'operator'
  | 'error'
  | 'eof';

export interface Token {
  type: TokenType;
  /** Raw text for data/name/operator; decoded text for strings; numeric text for numbers. */
  value: string;
  /** Parsed numeric value for integer/float tokens. */
  num?: number;
  line: number;
  column: number;
  /** Offset in the normalized source. */
  pos: number;
  /** For `error` tokens: the lexing error, raised when the parser reaches it (as Jinja2's lazy lexer does). */
  error?: TemplateSyntaxError;
}

export interface LexerOptions {
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  keepTrailingNewline?: boolean;
}

/** Human names of token types, as Jinja2 words them in "expected ..." messages. */
export function describeToken(t: { type: TokenType; value: string }): string {
  switch (t.type) {
    case 'name':
    case 'operator':
      return t.value;
    case 'data':
      return 'template data / text';
    case 'variable_begin':
      return 'begin of print statement';
    case 'variable_end':
      return 'end of print statement';
    case 'block_begin':
      return 'begin of statement block';
    case 'block_end':
      return 'end of statement block';
    case 'string':
    case 'integer':
    case 'float':
      return t.type;
    case 'eof':
    case 'error':
      return 'end of template';
  }
}

const RAW_BEGIN = /\s*raw\s*(-?)%\}/y;
const RAW_END = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
const OPERATORS1 = new Set([
  '+',
  '-',
  '/',
  '*',
  '%',
  '~',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '>',
  '<',
  '=',
  '.',
  ':',
  '|',
  ',',
  ';',
]);

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function rstripIndex(s: string, start: number, end: number): number {
  let i = end;
  while (i > start && isPySpaceCode(s.charCodeAt(i - 1))) i--;
  return i;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isPySpaceCode(s.charCodeAt(i))) i++;
  return i;
}

const NAME_START = /[\p{L}\p{Nl}_]/u;
const NAME_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;

/**
 * The engine's canonical copy of an identifier: V8 compares two such strings by pointer, which
 * matters for dict (Map) lookups by attribute name and for variable names (a sliced string would be
 * compared character by character on every hit).
 */
export function internName(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

function isNameStart(c: number, ch: string): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) return true;
  return c > 127 && NAME_START.test(ch);
}
function isNamePart(c: number, ch: string): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57)) return true;
  return c > 127 && NAME_PART.test(ch);
}

/** Normalizes newlines to `\n` and drops one trailing newline unless asked to keep it (Jinja2). */
export function normalizeSource(source: string, keepTrailingNewline: boolean): string {
  let s = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  if (!keepTrailingNewline && s.endsWith('\n')) s = s.slice(0, -1);
  return s;
}

const FLOAT_RE = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/y;
const INT_RE = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*/y;

/** Decodes a Python string literal body the way `unicode-escape` does. */
export function decodeStringLiteral(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      out += ch;
      continue;
    }
    const n = body[++i]!;
    switch (n) {
      case '\n':
        break;
      case '\\':
        out += '\\';
        break;
      case "'":
        out += "'";
        break;
      case '"':
        out += '"';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + len);
        if (hex.length === len && /^[0-9a-fA-F]+$/.test(hex)) {
          const cp = Number.parseInt(hex, 16);
          if (cp > 0x10ffff) throw new Error('illegal Unicode character');
          out += String.fromCodePoint(cp);
          i += len;
        } else {
          throw new Error(`truncated \\${n} escape`);
        }
        break;
      }
      default:
        if (n >= '0' && n <= '7') {
          let j = i;
          let oct = '';
          while (j < body.length && oct.length < 3 && body[j]! >= '0' && body[j]! <= '7') oct += body[j++];
          out += String.fromCodePoint(Number.parseInt(oct, 8));
          i = j - 1;
        } else {
          out += `\\${n}`;
        }
    }
  }
  return out;
}

/**
 * Tokenizes a normalized source (see `normalizeSource`). Whitespace inside tags and comments are
 * dropped, as Jinja2's token stream drops them.
 */
export function tokenize(src: string, options: LexerOptions = {}, name?: string): Token[] {
  const trim = options.trimBlocks === true;
  const lstrip = options.lstripBlocks === true;
  const tokens: Token[] = [];
  const n = src.length;
  let pos = 0;
  // Line/column bookkeeping: positions only move forward, so walk a cursor.
  let curPos = 0;
  let curLine = 1;
  let lineStart = 0;
  const locate = (p: number): { line: number; column: number } => {
    if (p < curPos) {
      // Rare (error paths): recount from scratch.
      curPos = 0;
      curLine = 1;
      lineStart = 0;
    }
    while (curPos < p) {
      if (src.charCodeAt(curPos) === 10) {
        curLine++;
        lineStart = curPos + 1;
      }
      curPos++;
    }
    return { line: curLine, column: p - lineStart + 1 };
  };
  const push = (type: TokenType, value: string, p: number, num?: number): void => {
    const { line, column } = locate(p);
    const t: Token = { type, value, line, column, pos: p };
    if (num !== undefined) t.num = num;
    tokens.push(t);
  };
  const fail = (message: string, p: number): never => {
    throw new TemplateSyntaxError(message, locate(p), name);
  };
  let lineStarting = true;
  try {
    scan();
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    const p = e.line ?? 1;
    tokens.push({ type: 'error', value: '', line: p, column: e.column ?? 1, pos: n, error: e });
  }
  // Jinja2's EOF token carries the line of the last token.
  const last = tokens[tokens.length - 1];
  tokens.push({
    type: 'eof',
    value: '',
    line: last ? last.line : 1,
    column: last ? last.column : 1,
    pos: n,
  });
  return tokens;

  function scan(): void {
    /** Applies `-` / lstrip_blocks to the text before a tag and emits it. */
    const emitText = (start: number, end: number, sign: string, isVariable: boolean): void => {
      let stop = end;
      if (sign === '-') {
        stop = rstripIndex(src, start, end);
      } else if (sign !== '+' && lstrip && !isVariable) {
        const nl = src.lastIndexOf('\n', end - 1);
        const lPos = nl >= start ? nl + 1 : start;
        if (lPos > start || lineStarting) {
          let allSpace = lPos < end;
          for (let i = lPos; i < end; i++) {
            if (!isPySpaceCode(src.charCodeAt(i))) {
              allSpace = false;
              break;
            }
          }
          if (allSpace) stop = lPos;
        }
      }
      if (stop > start) push('data', src.slice(start, stop), start);
    };

    /** Position after a block/comment end marker at `p` (which points at `%}`/`#}`), honouring +/-/trim. */
    const afterEnd = (p: number, sign: string): number => {
      let q = p + 2;
      if (sign === '-') q = skipSpace(src, q);
      else if (sign !== '+' && trim && src.charCodeAt(q) === 10) q++;
      return q;
    };

    while (pos < n) {
      // Find the next tag opener.
      let open = -1;
      let kind = '';
      let searchFrom = pos;
      while (true) {
        const i = src.indexOf('{', searchFrom);
        if (i < 0 || i + 1 >= n) break;
        const c = src[i + 1];
        if (c === '{' || c === '%' || c === '#') {
          open = i;
          kind = c;
          break;
        }
        searchFrom = i + 1;
      }
      if (open < 0) {
        push('data', src.slice(pos), pos);
        lineStarting = src.charCodeAt(n - 1) === 10;
        pos = n;
        break;
      }
      const sign = src[open + 2] === '-' || src[open + 2] === '+' ? src[open + 2]! : '';
      const bodyStart = open + 2 + sign.length;

      if (kind === '%') {
        // Raw block?
        const raw = RAW_BEGIN;
        raw.lastIndex = bodyStart;
        const m = raw.exec(src);
        if (m) {
          emitText(pos, open, sign, false);
          let contentStart = raw.lastIndex;
          if (m[1] === '-') contentStart = skipSpace(src, contentStart);
          const endRe = RAW_END;
          endRe.lastIndex = contentStart;
          const em = endRe.exec(src);
          if (!em) fail('Missing end of raw directive', open);
          const e = em as RegExpExecArray;
          lineStarting = src.charCodeAt(contentStart - 1) === 10;
          emitText(contentStart, e.index, e[1]!, false);
          pos = afterEnd(e.index + e[0].length - 2, e[2]!);
          lineStarting = src.charCodeAt(pos - 1) === 10;
          continue;
        }
      }

      if (kind === '#') {
        emitText(pos, open, sign, false);
        const e = src.indexOf('#}', bodyStart);
        if (e < 0) fail('Missing end of comment tag', bodyStart);
        let endSign = '';
        if (e - 1 >= bodyStart && (src[e - 1] === '-' || src[e - 1] === '+')) endSign = src[e - 1]!;
        pos = afterEnd(e, endSign);
        lineStarting = src.charCodeAt(pos - 1) === 10;
        continue;
      }

      const isVar = kind === '{';
      emitText(pos, open, sign, isVar);
      push(isVar ? 'variable_begin' : 'block_begin', src.slice(open, bodyStart), open);
      let p = bodyStart;
      const balance: string[] = [];
      let closed = false;
      while (p < n) {
        const c = src.charCodeAt(p);
        // End of tag (only when brackets are balanced).
        if (balance.length === 0) {
          if (isVar) {
            if (c === 45 && src.startsWith('}}', p + 1)) {
              push('variable_end', '-}}', p);
              p = skipSpace(src, p + 3);
              closed = true;
              break;
            }
            if (c === 125 && src.charCodeAt(p + 1) === 125) {
              push('variable_end', '}}', p);
              p += 2;
              closed = true;
              break;
            }
          } else {
            if ((c === 45 || c === 43) && src.startsWith('%}', p + 1)) {
              push('block_end', src.slice(p, p + 3), p);
              p = afterEnd(p + 1, c === 45 ? '-' : '+');
              closed = true;
              break;
            }
            if (c === 37 && src.charCodeAt(p + 1) === 125) {
              push('block_end', '%}', p);
              p = afterEnd(p, '');
              closed = true;
              break;
            }
          }
        }
        if (isPySpaceCode(c)) {
          p++;
          continue;
        }
        const ch = src[p]!;
        // Numbers: float first (as Jinja2's rule order), then integer.
        if (c >= 48 && c <= 57 && src.charCodeAt(p - 1) !== 46) {
          FLOAT_RE.lastIndex = p;
          const fm = FLOAT_RE.exec(src);
          if (fm) {
            const text = fm[0];
            push('float', text, p, Number(text.replace(/_/g, '')));
            p += text.length;
            continue;
          }
        }
        if (c >= 48 && c <= 57) {
          INT_RE.lastIndex = p;
          const im = INT_RE.exec(src);
          if (im) {
            const text = im[0].replace(/_/g, '');
            let v: number;
            const pre = text.slice(0, 2).toLowerCase();
            if (pre === '0b') v = Number.parseInt(text.slice(2), 2);
            else if (pre === '0o') v = Number.parseInt(text.slice(2), 8);
            else if (pre === '0x') v = Number.parseInt(text.slice(2), 16);
            else v = Number(text);
            push('integer', im[0], p, v);
            p += im[0].length;
            continue;
          }
        }
        if (isNameStart(c, ch)) {
          let q = p + 1;
          while (q < n && isNamePart(src.charCodeAt(q), src[q]!)) q++;
          push('name', internName(src.slice(p, q)), p);
          p = q;
          continue;
        }
        if (c === 34 || c === 39) {
          let q = p + 1;
          while (q < n && src.charCodeAt(q) !== c) {
            if (src.charCodeAt(q) === 92) q++;
            q++;
          }
          if (q >= n) fail(`unexpected char ${ch === '"' ? "'\"'" : '"\'"'} at ${p}`, p);
          let value: string;
          try {
            value = decodeStringLiteral(src.slice(p + 1, q));
          } catch (e) {
            fail(`invalid string literal: ${(e as Error).message}`, p);
            return;
          }
          push('string', value, p);
          p = q + 1;
          continue;
        }
        let op = '';
        const c2 = src.charCodeAt(p + 1);
        // Two-character operators: // ** == != >= <=
        if (
          (c === 47 && c2 === 47) ||
          (c === 42 && c2 === 42) ||
          (c2 === 61 && (c === 61 || c === 33 || c === 62 || c === 60))
        ) {
          op = src.slice(p, p + 2);
        } else if (OPERATORS1.has(ch)) op = ch;
        if (op) {
          if (op === '(' || op === '[' || op === '{') balance.push(CLOSERS[op]!);
          else if (op === ')' || op === ']' || op === '}') {
            const expected = balance.pop();
            if (expected === undefined) fail(`unexpected '${op}'`, p);
            if (expected !== op) fail(`unexpected '${op}', expected '${expected}'`, p);
          }
          push('operator', op, p);
          p += op.length;
          continue;
        }
        fail(`unexpected char ${pyCharRepr(ch)} at ${p}`, p);
      }
      pos = p;
      if (!closed) break;
      lineStarting = src.charCodeAt(pos - 1) === 10;
    }
  }
}

function pyCharRepr(ch: string): string {
  if (ch === "'") return `"'"`;
  if (ch === '\\') return "'\\\\'";
  return `'${ch}'`;
}
