/**
 * R-multiples and outcomes, as pure functions (DESIGN §3).
 *
 * R-multiple: long (exit − entry) / (entry − stop); short (entry − exit) / (stop − entry): the
 * result in units of the risk taken. A trade is breakeven when |R| ≤ epsilon, a win above it, a
 * loss below −epsilon.
 */
export type Side = 'long' | 'short';
export type ClosedOutcome = 'win' | 'loss' | 'breakeven';

export function rMultiple(side: Side, entry: number, stop: number, exit: number): number {
  const risk = side === 'long' ? entry - stop : stop - entry;
  if (!(risk > 0))
    throw new RangeError(`the stop must be ${side === 'long' ? 'below' : 'above'} the entry for a ${side}`);
  return (side === 'long' ? exit - entry : entry - exit) / risk;
}

export function classify(r: number, epsilon: number): ClosedOutcome {
  if (Math.abs(r) <= epsilon) return 'breakeven';
  return r > 0 ? 'win' : 'loss';
}

/** Profit or loss in currency for a position of `quantity` units, when the caller gave no figure. */
export function profitLoss(side: Side, entry: number, exit: number, quantity: number): number {
  return (side === 'long' ? exit - entry : entry - exit) * quantity;
}

/** Where a trade's levels must sit: a long's stop below entry and target above it; a short the reverse. */
export function levelErrors(
  side: Side,
  entry: number,
  stop: number,
  takeProfit: number | null | undefined,
): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  if (side === 'long' && !(stop < entry))
    errors.push({ field: 'body.stop_loss', message: 'must be below entry_price for a long' });
  if (side === 'short' && !(stop > entry))
    errors.push({ field: 'body.stop_loss', message: 'must be above entry_price for a short' });
  if (takeProfit !== null && takeProfit !== undefined) {
    if (side === 'long' && !(takeProfit > entry))
      errors.push({ field: 'body.take_profit', message: 'must be above entry_price for a long' });
    if (side === 'short' && !(takeProfit < entry))
      errors.push({ field: 'body.take_profit', message: 'must be below entry_price for a short' });
  }
  return errors;
}
