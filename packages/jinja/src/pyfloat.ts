/**
 * Python's `repr(float)`: the shortest digits that round-trip (JavaScript's `Number#toString`
 * already picks those), laid out the way Python does — fixed notation for exponents in
 * [-4, 16), scientific with a signed two-digit exponent otherwise, and always a `.0` on
 * integral values in fixed notation.
 *
 * Kept in its own module with no imports so `values.ts` and `format.ts` can both use it without
 * an import cycle.
 */
export function floatRepr(n: number): string {
  // The common range first (NaN fails both comparisons): JS prints these in fixed notation with
  // the same shortest digits Python uses.
  const a = n < 0 ? -n : n;
  if (a >= 1e-4 && a < 1e16) {
    if (Number.isInteger(n)) return `${n}.0`;
    if (a < 1e15) {
      const s = shortFixed(a);
      if (s !== undefined) return n < 0 ? `-${s}` : s;
    }
    return String(n);
  }
  if (Number.isNaN(n)) return 'nan';
  if (n === Number.POSITIVE_INFINITY) return 'inf';
  if (n === Number.NEGATIVE_INFINITY) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const { sign, digits, exp } = shortestDigits(n);
  if (exp >= -4 && exp < 16) return sign + fixedFromDigits(digits, exp, 1);
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}

/**
 * Shortest round-trip fixed notation of a non-integral 1e-4 <= a < 1e15 with at most 15
 * significant digits (most printed floats: `round` results, prices), without the general
 * shortest-digits conversion; undefined when it needs more digits.
 *
 * Tries k = 1, 2, … fraction digits: q = round(a × 10^k) is the only candidate (a × 10^k < 2^50, so
 * its rounding error plus the round-trip window stay below 0.25), and `q / 10^k === a` means the
 * decimal q × 10^-k parses back to a (the division is correctly rounded, like parsing). The first
 * k that works is the shortest, and with at most 15 significant digits it is the only decimal of
 * that length mapping to a (DBL_DIG), so it is exactly the repr's digits; q has no trailing zero
 * (else k - 1 would have worked).
 */
const ZEROS: readonly string[] = Array.from({ length: 20 }, (_, i) => '0'.repeat(i));

function shortFixed(a: number): string | undefined {
  let p = 10;
  for (let k = 1; k <= 19; k++) {
    const y = a * p;
    if (!(y < 1e15)) return undefined;
    const q = Math.round(y);
    if (q / p === a) {
      // Integer and fraction digits by exact integer arithmetic (q < 2^50), no substring copies.
      const ip = Math.floor(q / p);
      const fs = String(q - ip * p);
      return `${ip}.${fs.length < k ? ZEROS[k - fs.length] + fs : fs}`;
    }
    p *= 10;
  }
  return undefined;
}

/** Shortest round-trip decimal digits of a finite non-zero number, scientific exponent. */
export function shortestDigits(n: number): { sign: string; digits: string; exp: number } {
  const s = Math.abs(n).toExponential();
  const [mant = '', expPart = '0'] = s.split('e');
  return { sign: n < 0 ? '-' : '', digits: mant.replace('.', ''), exp: Number(expPart) };
}

/** Lays digits `d.ddd × 10^exp` out in fixed notation with at least `minFrac` fraction digits. */
function fixedFromDigits(digits: string, exp: number, minFrac: number): string {
  let intPart: string;
  let frac: string;
  if (exp < 0) {
    intPart = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    intPart = digits + '0'.repeat(exp + 1 - digits.length);
    frac = '';
  } else {
    intPart = digits.slice(0, exp + 1);
    frac = digits.slice(exp + 1);
  }
  if (frac.length < minFrac) frac += '0'.repeat(minFrac - frac.length);
  return frac ? `${intPart}.${frac}` : intPart;
}

/** Python `str(int)` for a JS integer: all digits, never exponent notation. */
export function intRepr(n: number): string {
  if (Object.is(n, -0)) return '0';
  if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) return String(n);
  // Beyond 2^53 the double only approximates Python's exact int. Best guess: a value with a short
  // decimal form (10**30, 1e21 * 3) was most likely that round number, so pad its shortest digits
  // with zeros; otherwise print the double's exact value, which is right whenever the int was
  // representable (2**62, 3 * 2**60).
  const { sign, digits, exp } = shortestDigits(n);
  if (digits.length <= 15) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return BigInt(n).toString();
}
