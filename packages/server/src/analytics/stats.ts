/**
 * Distributions and tests for the outcome metrics, written out here (no numerics dependency) and
 * checked against SciPy in test/fixtures/stats-golden.json. Pure functions, no I/O.
 *
 * Accuracy target: about 1e-12 relative on the special functions in the ranges trading counts
 * reach (counts up to ~10^5, degrees of freedom up to ~10^5); the golden tests hold them to 1e-9.
 */

export interface Interval {
  low: number;
  high: number;
}

const LN_SQRT_2PI = 0.918_938_533_204_672_7; // ln √(2π)
const LN_SQRT_PI = 0.572_364_942_924_700_1; // ln Γ(1/2) = ln √π
/** Smallest magnitude the Lentz continued fractions let a denominator take, to avoid dividing by 0. */
const FPMIN = 1e-300;
/** Continued fractions and series stop when the last factor/term changes the result by less than this. */
const EPS = 1e-15;
const MAX_ITER = 100_000;

function assertProbability(p: number, name = 'p'): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${p}`);
}

function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

function assertCount(value: number, name: string): void {
  if (!(Number.isInteger(value) && value >= 0))
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

function assertSuccesses(successes: number, n: number): void {
  assertCount(successes, 'successes');
  assertCount(n, 'n');
  if (successes > n) throw new RangeError(`successes (${successes}) cannot exceed n (${n})`);
}

// ---------------------------------------------------------------------------------------------
// Gamma and beta functions
// ---------------------------------------------------------------------------------------------

/** Lanczos coefficients for g = 7, n = 9 (relative error of Γ about 1e-15 over the real line). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.999_999_999_999_809_9, 676.520_368_121_885_1, -1259.139_216_722_402_8, 771.323_428_777_653_1,
  -176.615_029_162_140_6, 12.507_343_278_686_905, -0.138_571_095_265_720_12, 9.984_369_578_019_572e-6,
  1.505_632_735_149_311_6e-7,
];

/**
 * ln Γ(x) for x > 0 by the Lanczos approximation:
 * Γ(x+1) = √(2π) (x + g + ½)^(x+½) e^−(x+g+½) A_g(x), A_g(x) = c₀ + Σ cₖ/(x+k);
 * below ½ by the reflection Γ(x)Γ(1−x) = π / sin(πx), where the series is less accurate.
 */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let k = 1; k < LANCZOS.length; k++) a += LANCZOS[k]! / (z + k);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Stirling remainder δ(x) = ln Γ(x) − [(x − ½) ln x − x + ln √(2π)] for x ≥ 10, by its asymptotic
 * series Σ B₂ₖ / (2k(2k−1) x^(2k−1)) (terms to x⁻¹³, below 1e−16 at x = 10).
 */
function stirlingRemainder(x: number): number {
  const r = 1 / (x * x);
  const series = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360_360, 1 / 156];
  let sum = 0;
  for (let k = series.length - 1; k >= 0; k--) sum = sum * r + series[k]!;
  return sum / x;
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). When an argument is ≥ 10 the large ln Γ terms
 * cancel, so (as R's lbeta does) the Stirling parts are cancelled algebraically and only the small
 * remainders δ are subtracted: with p = min(a, b), q = max(a, b),
 * p ≥ 10: −½ ln q + ln √(2π) + δ(p) + δ(q) − δ(p+q) + (p − ½) ln(p/(p+q)) + q ln(1 − p/(p+q));
 * q ≥ 10 > p: ln Γ(p) + δ(q) − δ(p+q) + p − p ln(p+q) + (q − ½) ln(1 − p/(p+q)).
 * Without this the t distribution at ν ~ 10⁵ would lose four digits.
 */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const share = p / (p + q);
  if (p >= 10) {
    const corr = stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p + q);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + corr + (p - 0.5) * Math.log(share) + q * Math.log1p(-share);
  }
  if (q >= 10) {
    const corr = stirlingRemainder(q) - stirlingRemainder(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-share);
  }
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Continued fraction for I_x(a, b) (Numerical Recipes `betacf`), evaluated by the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m)).
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1)).
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta did not converge (x=${x}, a=${a}, b=${b})`);
}

/**
 * I_x(a, b) given both x and y = 1 − x, so callers that know 1 − x more accurately than `1 - x`
 * (the t distribution near t = 0) keep their digits.
 */
function incompleteBetaPair(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // x^a y^b / B(a, b): the common front factor of both continued fractions.
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
  // The fraction converges fast for x < (a+1)/(a+b+2); beyond it use I_x(a,b) = 1 − I_y(b,a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a)) / b;
}

/**
 * Regularized incomplete beta I_x(a, b) = (1/B(a,b)) ∫₀ˣ t^(a−1) (1−t)^(b−1) dt, a, b > 0, x ∈ [0, 1],
 * by its continued fraction (Numerical Recipes §6.4, modified Lentz).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  assertProbability(x, 'x');
  if (!(a > 0 && b > 0)) throw new RangeError(`a and b must be > 0, got a=${a}, b=${b}`);
  return incompleteBetaPair(x, 1 - x, a, b);
}

/** CDF of Beta(a, b): P(X ≤ x) = I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return regularizedIncompleteBeta(x, a, b);
}

/** Lower regularized gamma P(a, x) by its series Σ xⁿ / (a(a+1)…(a+n)) · xᵃ e⁻ˣ / Γ(a); for x < a + 1. */
function gammaPSeries(a: number, x: number, lnGammaA: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
}

/** Upper regularized gamma Q(a, x) by its continued fraction (modified Lentz); for x ≥ a + 1. */
function gammaQFraction(a: number, x: number, lnGammaA: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

// ---------------------------------------------------------------------------------------------
// Normal distribution
// ---------------------------------------------------------------------------------------------

/**
 * Standard normal CDF Φ(z) = ½ erfc(−z/√2), with erfc(u) = Q(½, u²) (upper regularized gamma), so
 * the lower tail keeps full relative precision down to Φ(−37) ≈ 6e−300.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Number.NEGATIVE_INFINITY) return 0;
  if (z === Number.POSITIVE_INFINITY) return 1;
  const x = (z * z) / 2;
  if (x === 0) return 0.5;
  // Q(½, z²/2) is the two-sided tail P(|Z| > |z|).
  const twoTail = x < 1.5 ? 1 - gammaPSeries(0.5, x, LN_SQRT_PI) : gammaQFraction(0.5, x, LN_SQRT_PI);
  return z < 0 ? twoTail / 2 : 1 - twoTail / 2;
}

/** Standard normal density φ(z) = e^(−z²/2) / √(2π). */
export function normalPdf(z: number): number {
  return Math.exp(-(z * z) / 2 - LN_SQRT_2PI);
}

// Acklam's rational approximation to Φ⁻¹ (relative error 1.15e−9), refined below to full precision.
const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const ACKLAM_P_LOW = 0.02425;

function polynomial(coefficients: readonly number[], x: number): number {
  let result = 0;
  for (const c of coefficients) result = result * x + c;
  return result;
}

/** Acklam's approximation for p ≤ ½ (lower half only; the caller reflects). */
function acklamLowerHalf(p: number): number {
  if (p < ACKLAM_P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return polynomial(ACKLAM_C, q) / (polynomial(ACKLAM_D, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (polynomial(ACKLAM_A, r) * q) / (polynomial(ACKLAM_B, r) * r + 1);
}

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's rational approximation, then Halley steps
 * x ← x − u / (1 + x·u/2), u = (Φ(x) − p)·√(2π)·e^(x²/2), on the accurate Φ above. Computed in the
 * lower half and reflected (Φ⁻¹(p) = −Φ⁻¹(1 − p), and 1 − p is exact for p ≥ ½).
 */
export function normalQuantile(p: number): number {
  assertProbability(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0.5) return 0;
  let x = acklamLowerHalf(p);
  for (let i = 0; i < 3; i++) {
    const u = (normalCdf(x) - p) * Math.exp((x * x) / 2 + LN_SQRT_2PI);
    if (!Number.isFinite(u) || u === 0) break;
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Student t distribution
// ---------------------------------------------------------------------------------------------

function assertDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
}

/**
 * Student t CDF with ν = df degrees of freedom (ν may be fractional, as Welch's is):
 * for t < 0, F(t) = ½ I_x(ν/2, ½) with x = ν / (ν + t²); F(t) = 1 − F(−t) for t > 0. ν = ∞ is normal.
 */
export function studentTCdf(t: number, df: number): number {
  assertDf(df);
  if (Number.isNaN(t)) return Number.NaN;
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  const t2 = t * t;
  // 1 − x = t²/(ν + t²) is computed directly: near t = 0, `1 - x` would lose the digits that matter.
  const tail = Number.isFinite(t2)
    ? 0.5 * incompleteBetaPair(df / (df + t2), t2 / (df + t2), df / 2, 0.5)
    : 0;
  return t < 0 ? tail : 1 - tail;
}

/** Student t density f(t) = Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) · (1 + t²/ν)^(−(ν+1)/2). */
export function studentTPdf(t: number, df: number): number {
  assertDf(df);
  if (df === Number.POSITIVE_INFINITY) return normalPdf(t);
  const lnNorm = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/**
 * Student t quantile F⁻¹(p; ν). Closed forms for ν = 1 (−cot(πp)) and ν = 2
 * ((2p − 1)/√(2p(1 − p))); otherwise Newton's method on F(t) − p in the lower half. It starts at the
 * normal quantile, which lies on the inner side of the root (t tails are heavier) where F is convex,
 * so Newton steps move monotonically towards the root; a bisection bracket guards the steps anyway.
 */
export function studentTQuantile(p: number, df: number): number {
  assertProbability(p);
  assertDf(df);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === 1) return -1 / Math.tan(Math.PI * p);
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  return newtonTQuantile(p, df);
}

function newtonTQuantile(p: number, df: number): number {
  let hi = 0; // F(0) = ½ > p
  let lo = Number.NEGATIVE_INFINITY;
  let t = Math.min(normalQuantile(p), -Number.MIN_VALUE);
  for (let i = 0; i < 500; i++) {
    const f = studentTCdf(t, df) - p;
    if (f === 0) return t;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTPdf(t, df);
    // Outside the bracket (or not finite): bisect, or expand outward while no lower end is known.
    if (!(next > lo && next < hi)) next = Number.isFinite(lo) ? (lo + hi) / 2 : 2 * t;
    if (Math.abs(next - t) <= 1e-15 * Math.abs(t)) return next;
    t = next;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Intervals for a proportion and for a mean
// ---------------------------------------------------------------------------------------------

/** z for a two-sided interval at `confidence`: Φ⁻¹(1 − α/2), α = 1 − confidence. */
function twoSidedZ(confidence: number): number {
  assertConfidence(confidence);
  return normalQuantile(1 - (1 - confidence) / 2);
}

function wilsonWithZ(successes: number, n: number, z: number): Interval {
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // At p̂ = 0 or 1 the bound is exactly 0 or 1; rounding must not push it outside [0, 1].
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Wilson score interval for a proportion p̂ = x/n:
 * (p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(1 − α/2).
 * Unlike the Wald interval it stays inside [0, 1] and keeps near-nominal coverage at small n and
 * extreme p̂. n = 0 → null (no information).
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval | null {
  assertSuccesses(successes, n);
  if (n === 0) return null;
  return wilsonWithZ(successes, n, twoSidedZ(confidence));
}

/**
 * One-sided Wilson lower bound: the low end of the Wilson interval with z = Φ⁻¹(confidence)
 * (1.6449 at 95%): "the true rate is at least this, with 95% confidence". n = 0 → null.
 */
export function wilsonLowerBound(successes: number, n: number, confidence = 0.95): number | null {
  assertSuccesses(successes, n);
  assertConfidence(confidence);
  if (n === 0) return null;
  return wilsonWithZ(successes, n, normalQuantile(confidence)).low;
}

function assertMeanInputs(sd: number, n: number): void {
  assertCount(n, 'n');
  if (!(sd >= 0)) throw new RangeError(`sd must be ≥ 0, got ${sd}`);
}

/** t interval for a mean: x̄ ± t_{1−α/2, n−1} · s/√n. n < 2 → null (no spread estimate). */
export function meanTInterval(mean: number, sd: number, n: number, confidence = 0.95): Interval | null {
  assertMeanInputs(sd, n);
  assertConfidence(confidence);
  if (n < 2) return null;
  const half = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return { low: mean - half, high: mean + half };
}

/** One-sided lower confidence bound for a mean: x̄ − t_{confidence, n−1} · s/√n. n < 2 → null. */
export function meanLowerBound(mean: number, sd: number, n: number, confidence = 0.95): number | null {
  assertMeanInputs(sd, n);
  assertConfidence(confidence);
  if (n < 2) return null;
  return mean - studentTQuantile(confidence, n - 1) * (sd / Math.sqrt(n));
}

// ---------------------------------------------------------------------------------------------
// Two proportions
// ---------------------------------------------------------------------------------------------

/**
 * Agresti–Caffo interval for p₂ − p₁: add one success and one failure to each arm,
 * p̃ᵢ = (xᵢ + 1)/(nᵢ + 2), then (p̃₂ − p̃₁) ± z √(p̃₁(1−p̃₁)/(n₁+2) + p̃₂(1−p̃₂)/(n₂+2)), clipped to
 * [−1, 1]. Near-nominal coverage even for small arms, where the Wald interval is too narrow.
 * Either n = 0 → null.
 */
export function agrestiCaffoInterval(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  confidence = 0.95,
): Interval | null {
  assertSuccesses(x1, n1);
  assertSuccesses(x2, n2);
  const z = twoSidedZ(confidence);
  if (n1 === 0 || n2 === 0) return null;
  const p1 = (x1 + 1) / (n1 + 2);
  const p2 = (x2 + 1) / (n2 + 2);
  const se = Math.sqrt((p1 * (1 - p1)) / (n1 + 2) + (p2 * (1 - p2)) / (n2 + 2));
  const diff = p2 - p1;
  return { low: Math.max(-1, diff - z * se), high: Math.min(1, diff + z * se) };
}

export interface ZTest {
  z: number;
  p_value: number;
}

/**
 * Two-sided pooled two-proportion z test of H₀: p₁ = p₂. z = (p̂₂ − p̂₁) / √(p̄(1−p̄)(1/n₁ + 1/n₂)),
 * p̄ = (x₁+x₂)/(n₁+n₂), p = 2Φ(−|z|). Same as R's prop.test(correct = FALSE) (χ² = z²). When p̄ is
 * 0 or 1 both arms are identical (all wins or all losses): z = 0, p = 1. Either n = 0 → null.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTest | null {
  assertSuccesses(x1, n1);
  assertSuccesses(x2, n2);
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) return { z: 0, p_value: 1 };
  const z = (x2 / n2 - x1 / n1) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { z, p_value: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/** R's fisher.test counts tables within this relative tolerance of the observed probability as "as extreme". */
const FISHER_RELATIVE_TOLERANCE = 1e-7;

/**
 * Fisher's exact test for the 2×2 table [[a, b], [c, d]], two-sided, as R's fisher.test and SciPy's
 * fisher_exact: with the margins fixed, a is hypergeometric, P(a = k) = C(a+b, k) C(c+d, a+c−k) / C(n, a+c);
 * p = Σ P(k) over every k with P(k) ≤ P(observed)·(1 + 1e−7). The probabilities come from the ratio
 * P(k+1)/P(k) = (r₁−k)(c₁−k) / ((k+1)(r₂−c₁+k+1)) in log space, so no factorials overflow.
 */
export function fisherExactTest(a: number, b: number, c: number, d: number): number {
  for (const [v, name] of [
    [a, 'a'],
    [b, 'b'],
    [c, 'c'],
    [d, 'd'],
  ] as const)
    assertCount(v, name);
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const lo = Math.max(0, c1 - r2);
  const hi = Math.min(r1, c1);
  const logP: number[] = [0];
  for (let k = lo; k < hi; k++) {
    const ratio = ((r1 - k) * (c1 - k)) / ((k + 1) * (r2 - c1 + k + 1));
    logP.push(logP[logP.length - 1]! + Math.log(ratio));
  }
  const max = logP.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY);
  const observed = logP[a - lo]! + Math.log1p(FISHER_RELATIVE_TOLERANCE);
  let total = 0;
  let extreme = 0;
  for (const lp of logP) {
    const w = Math.exp(lp - max);
    total += w;
    if (lp <= observed) extreme += w;
  }
  return Math.min(1, extreme / total);
}

/** Up to this many terms the exact sum is used for P(p_B > p_A); above it the normal approximation. */
export const BAYES_EXACT_MAX_TERMS = 10_000;

/**
 * P(p_B > p_A) with independent Beta(1, 1) (uniform) priors, so the posteriors are
 * p_A ~ Beta(α_A, β_A) = Beta(1 + wins_A, 1 + losses_A) and likewise for B.
 *
 * Exact (Evan Miller, "Formulas for Bayesian A/B testing"):
 * P = Σ_{i=0}^{α_B−1} B(α_A + i, β_A + β_B) / ((β_B + i) B(1 + i, β_B) B(α_A, β_A)), each term in log
 * space. The sum has α_B terms; when α_A is smaller the mirror sum P(p_A > p_B) is used and
 * subtracted from 1. Switch point: when both α_A and α_B exceed BAYES_EXACT_MAX_TERMS (10,000 —
 * i.e. more than ~10⁴ wins in each arm) the posteriors are so close to normal that
 * Φ((μ_B − μ_A)/√(σ_A² + σ_B²)) with the Beta means and variances is within about 1e−5 of the exact
 * sum (checked in the golden tests), and the sum would cost ~10⁴ log-beta terms per call.
 */
export function probabilityBGreaterThanA(
  winsA: number,
  lossesA: number,
  winsB: number,
  lossesB: number,
): number {
  for (const [v, name] of [
    [winsA, 'winsA'],
    [lossesA, 'lossesA'],
    [winsB, 'winsB'],
    [lossesB, 'lossesB'],
  ] as const)
    assertCount(v, name);
  const A = { alpha: 1 + winsA, beta: 1 + lossesA };
  const B = { alpha: 1 + winsB, beta: 1 + lossesB };
  if (B.alpha <= BAYES_EXACT_MAX_TERMS && B.alpha <= A.alpha) return betaExceedsSum(A, B);
  if (A.alpha <= BAYES_EXACT_MAX_TERMS) return 1 - betaExceedsSum(B, A);
  return betaExceedsNormal(A, B);
}

interface BetaParams {
  alpha: number;
  beta: number;
}

/** P(X_B > X_A) by Evan Miller's closed-form sum over i < α_B (α_B must be an integer). */
function betaExceedsSum(A: BetaParams, B: BetaParams): number {
  const base = logBeta(A.alpha, A.beta);
  let total = 0;
  for (let i = 0; i < B.alpha; i++) {
    total += Math.exp(
      logBeta(A.alpha + i, A.beta + B.beta) - Math.log(B.beta + i) - logBeta(1 + i, B.beta) - base,
    );
  }
  return Math.min(1, Math.max(0, total));
}

function betaExceedsNormal(A: BetaParams, B: BetaParams): number {
  const moments = ({ alpha, beta }: BetaParams) => {
    const s = alpha + beta;
    return { mean: alpha / s, variance: (alpha * beta) / (s * s * (s + 1)) };
  };
  const a = moments(A);
  const b = moments(B);
  return normalCdf((b.mean - a.mean) / Math.sqrt(a.variance + b.variance));
}

// ---------------------------------------------------------------------------------------------
// Two means
// ---------------------------------------------------------------------------------------------

export interface WelchTest {
  t: number;
  df: number;
  p_value: number;
  /** mean₂ − mean₁ */
  diff: number;
  ci: Interval;
}

/**
 * Welch's unequal-variance t test of H₀: μ₁ = μ₂, from summary statistics.
 * vᵢ = sᵢ²/nᵢ, t = (x̄₂ − x̄₁)/√(v₁ + v₂), Welch–Satterthwaite ν = (v₁ + v₂)² / (v₁²/(n₁−1) + v₂²/(n₂−1)),
 * p = 2F_ν(−|t|), CI = (x̄₂ − x̄₁) ± t_{1−α/2, ν} √(v₁ + v₂). Matches SciPy's
 * ttest_ind_from_stats(equal_var=False) with the sign of t flipped (SciPy reports 1 − 2).
 * Null when either n < 2, or when both standard deviations are 0 (no variance, no test).
 */
export function welchTTest(
  mean1: number,
  sd1: number,
  n1: number,
  mean2: number,
  sd2: number,
  n2: number,
  confidence = 0.95,
): WelchTest | null {
  assertMeanInputs(sd1, n1);
  assertMeanInputs(sd2, n2);
  assertConfidence(confidence);
  if (n1 < 2 || n2 < 2) return null;
  const v1 = (sd1 * sd1) / n1;
  const v2 = (sd2 * sd2) / n2;
  const se = Math.sqrt(v1 + v2);
  if (se === 0) return null;
  const diff = mean2 - mean1;
  const t = diff / se;
  // Written with the shares w = v/(v₁ + v₂) ∈ [0, 1], so tiny variances cannot underflow to 0/0.
  const w1 = v1 / (v1 + v2);
  const w2 = v2 / (v1 + v2);
  const df = 1 / ((w1 * w1) / (n1 - 1) + (w2 * w2) / (n2 - 1));
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  const half = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
  return { t, df, p_value: p, diff, ci: { low: diff - half, high: diff + half } };
}

// ---------------------------------------------------------------------------------------------
// Sample sizes
// ---------------------------------------------------------------------------------------------

function assertPowerInputs(alpha: number, power: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
}

/** Rounds a sample size up; the tiny allowance stops 25.000000000001 from becoming 26. */
const ceilSize = (n: number) => Math.ceil(n - 1e-9);

/**
 * Trades per arm for a two-sided two-proportion z test at level α to reach `power` against p₁ vs p₂
 * (Fleiss, Levin & Paik, without continuity correction):
 * n = [z_{1−α/2} √(2 p̄ q̄) + z_{power} √(p₁q₁ + p₂q₂)]² / (p₂ − p₁)², p̄ = (p₁ + p₂)/2, q = 1 − p; rounded
 * up. Null when p₁ = p₂ (no finite n detects a zero difference).
 */
export function sampleSizeTwoProportions(p1: number, p2: number, alpha = 0.05, power = 0.8): number | null {
  assertProbability(p1, 'p1');
  assertProbability(p2, 'p2');
  assertPowerInputs(alpha, power);
  if (p1 === p2) return null;
  const pBar = (p1 + p2) / 2;
  const zAlpha = normalQuantile(1 - alpha / 2);
  const zBeta = normalQuantile(power);
  const numerator =
    zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return ceilSize((numerator * numerator) / ((p2 - p1) * (p2 - p1)));
}

/**
 * Trades per arm (equal arms) for a two-sided comparison of means at level α with `power`, normal
 * approximation: n = (z_{1−α/2} + z_{power})² (σ₁² + σ₂²) / Δ², rounded up, at least 2 (a t test needs
 * two per arm). Null when Δ = 0.
 */
export function sampleSizeTwoMeans(
  diff: number,
  sd1: number,
  sd2: number,
  alpha = 0.05,
  power = 0.8,
): number | null {
  assertPowerInputs(alpha, power);
  if (!(sd1 >= 0 && sd2 >= 0)) throw new RangeError('standard deviations must be ≥ 0');
  if (diff === 0 || !Number.isFinite(diff)) return null;
  const z = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.max(2, ceilSize((z * z * (sd1 * sd1 + sd2 * sd2)) / (diff * diff)));
}
