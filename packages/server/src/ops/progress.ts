/**
 * Step-by-step progress for the operations commands: `[2/4] Migrating… done in 0.3 s`. Writes to
 * stderr so that stdout stays clean for what a command produces (a key, a file name).
 */
export interface Reporter {
  step<T>(label: string, run: () => Promise<T>, describe?: (result: T) => string): Promise<T>;
  info(line: string): void;
}

export function stepReporter(total: number, out: NodeJS.WritableStream = process.stderr): Reporter {
  let n = 0;
  return {
    async step(label, run, describe) {
      n++;
      const prefix = total > 1 ? `[${n}/${total}] ` : '';
      out.write(`${prefix}${label}… `);
      const started = performance.now();
      try {
        const result = await run();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        out.write(`${describe ? `${describe(result)} ` : ''}done in ${seconds} s\n`);
        return result;
      } catch (err) {
        out.write('FAILED\n');
        throw err;
      }
    },
    info(line) {
      out.write(`${line}\n`);
    },
  };
}
