/**
 * A small JSON parser that keeps Python's view of the data: a number written with `.` or an
 * exponent is a float (so `43.0` stays a float and prints `43.0`), objects become Maps (insertion
 * order kept even for integer-like keys, and no prototype to pollute).
 */
import { internName } from '../src/lexer.js';
import { float } from '../src/values.js';

export class JsonSyntaxError extends Error {}

export function parsePyJson(text: string): unknown {
  let i = 0;
  const n = text.length;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`${what} at position ${i}`);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    while (true) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 32) fail('control character in string');
      if (c === 92) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
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
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
            out += String.fromCharCode(Number.parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            fail('bad escape');
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  const NUM = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
  const value = (depth: number): unknown => {
    if (depth > 1000) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map<string, unknown>();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      while (true) {
        ws();
        if (text[i] !== '"') fail('expected string key');
        const k = internName(str());
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        m.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      while (true) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    // Python's json module also accepts these.
    if (text.startsWith('NaN', i)) {
      i += 3;
      return Number.NaN;
    }
    if (text.startsWith('Infinity', i)) {
      i += 8;
      return Number.POSITIVE_INFINITY;
    }
    if (text.startsWith('-Infinity', i)) {
      i += 9;
      return Number.NEGATIVE_INFINITY;
    }
    NUM.lastIndex = i;
    const m = NUM.exec(text);
    if (m) {
      i = NUM.lastIndex;
      const v = Number(m[0]);
      return m[1] !== undefined || m[2] !== undefined ? float(v) : v;
    }
    return fail('unexpected character');
  };
  const v = value(0);
  ws();
  if (i < n) fail('trailing data');
  return v;
}
