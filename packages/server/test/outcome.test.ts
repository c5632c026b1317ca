import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, levelErrors, profitLoss, rMultiple } from '../src/signals/outcome.js';

describe('R-multiple and outcome rules', () => {
  it('long: (exit − entry) / (entry − stop)', () => {
    expect(rMultiple('long', 100, 90, 120)).toBe(2);
    expect(rMultiple('long', 100, 90, 95)).toBe(-0.5);
    expect(rMultiple('long', 100, 90, 90)).toBe(-1);
  });

  it('short: (entry − exit) / (stop − entry)', () => {
    expect(rMultiple('short', 100, 110, 80)).toBe(2);
    expect(rMultiple('short', 100, 110, 105)).toBe(-0.5);
    expect(rMultiple('short', 100, 110, 110)).toBe(-1);
  });

  it('refuses a stop on the wrong side (no risk, no R)', () => {
    expect(() => rMultiple('long', 100, 100, 110)).toThrow(/below the entry/);
    expect(() => rMultiple('short', 100, 90, 80)).toThrow(/above the entry/);
  });

  it('breakeven within ±epsilon, inclusive; win above, loss below', () => {
    expect(classify(0.05, 0.05)).toBe('breakeven');
    expect(classify(-0.05, 0.05)).toBe('breakeven');
    expect(classify(0.0500001, 0.05)).toBe('win');
    expect(classify(-0.06, 0.05)).toBe('loss');
    expect(classify(0, 0)).toBe('breakeven');
  });

  it('a long and the mirrored short have the same R', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1e6, noNaN: true }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        fc.double({ min: -0.9, max: 3, noNaN: true }),
        (entry, riskFraction, move) => {
          const risk = entry * riskFraction;
          const long = rMultiple('long', entry, entry - risk, entry + move * risk);
          const short = rMultiple('short', entry, entry + risk, entry - move * risk);
          expect(long).toBeCloseTo(move, 9);
          expect(short).toBeCloseTo(move, 9);
        },
      ),
    );
  });

  it('profit/loss from quantity, and level checks for both sides', () => {
    expect(profitLoss('long', 100, 110, 3)).toBe(30);
    expect(profitLoss('short', 100, 110, 3)).toBe(-30);
    expect(levelErrors('long', 100, 90, 120)).toEqual([]);
    expect(levelErrors('long', 100, 105, 95).map((e) => e.field)).toEqual([
      'body.stop_loss',
      'body.take_profit',
    ]);
    expect(levelErrors('short', 100, 110, 80)).toEqual([]);
    expect(levelErrors('short', 100, 95, null).map((e) => e.field)).toEqual(['body.stop_loss']);
  });
});
