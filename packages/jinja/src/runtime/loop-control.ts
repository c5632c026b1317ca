/**
 * `{% break %}` and `{% continue %}` (Jinja2's loopcontrols extension) unwind to the innermost
 * loop by throwing one of two preallocated signals. Throwing costs nothing unless a template uses
 * them, where a status check after every statement would slow every template down. They are not
 * Errors (no stack trace to capture), and the compiler guarantees a loop catches them.
 */
export class LoopControl {
  constructor(readonly kind: 'break' | 'continue') {}
}

export const BREAK = new LoopControl('break');
export const CONTINUE = new LoopControl('continue');
