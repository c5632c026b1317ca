import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { TemplatePool } from '../../src/rendering/pool.js';

/** A valid template whose check takes a few hundred milliseconds: real work, no trick. */
const BIG = Array.from({ length: 2_000 }, (_, i) => `{{ v${i % 50}.a|default(1) + ${i} }}`).join('\n');

let pool: TemplatePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await work();
  return [r, performance.now() - t];
}

describe('the template worker pool', () => {
  it('renders and checks off the main thread, with the server filters', async () => {
    pool = new TemplatePool({ workers: 1 });
    const r = await pool.render(
      {
        bundle: '',
        sources: { main: '{{ 0.1234|percent }} {{ x }}', name: undefined, library: [], strict: false },
        context: { x: 'y' },
      },
      'body.context',
    );
    expect(r).toMatchObject({ rendered: expect.stringContaining('y'), variables: ['x'] });
    const c = await pool.check('{% for %}');
    expect(c.errors[0]).toMatchObject({ line: 1 });
  });

  it('stops a task that runs past the deadline, answers it as a limit failure, and keeps serving', async () => {
    pool = new TemplatePool({ workers: 1, deadlineMs: 60 });
    await pool.check('{{ warm }}'); // a thread's start-up is queueing time, not running time
    const [err, ms] = await time(() =>
      pool!.check(BIG.repeat(3)).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).extensions).toEqual({ error_type: 'limit' });
    expect((err as ValidationError).message).toMatch(/hard deadline of 60 ms/);
    expect(ms).toBeLessThan(1_000);
    // The thread was replaced: the next task is served.
    expect((await pool.check('{{ a }}')).variables).toEqual(['a']);
  });

  it('counts the deadline from when a worker starts a task, not from when it was queued', async () => {
    const probe = new TemplatePool({ workers: 1, deadlineMs: 60_000 });
    await probe.check(BIG); // warm the worker
    const [, one] = await time(() => probe.check(BIG));
    await probe.close();
    // Four tasks on one thread: the last starts after ~3 task-times, past a deadline of 2.5.
    pool = new TemplatePool({ workers: 1, deadlineMs: Math.max(50, Math.round(one * 2.5)) });
    // Warm the new thread's JIT with smaller checks of the same shape, each well inside the deadline.
    const quarter = BIG.slice(0, BIG.length / 4).replace(/\{\{[^}]*$/, '');
    for (let i = 0; i < 4; i++) await pool.check(quarter);
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => pool!.check(BIG)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('answers 503 with Retry-After when the queue is full', async () => {
    pool = new TemplatePool({ workers: 1, deadlineMs: 10_000 });
    const many = Array.from({ length: 400 }, () =>
      pool!.check('{{ a }}').then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const settled = await Promise.all(many);
    const refused = settled.filter((r) => r !== 'ok');
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ status: 503, retryAfterSeconds: 10 });
  });
});
