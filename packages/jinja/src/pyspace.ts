/**
 * Python's whitespace (`str.isspace()`, what `str.split()`/`strip()` and Jinja2's lexer treat as
 * blank). It differs from JS `\s`: it includes \x1c–\x1f and excludes \ufeff. No whitespace lives
 * outside the BMP, so one UTF-16 code unit decides.
 */
export function isPySpaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
