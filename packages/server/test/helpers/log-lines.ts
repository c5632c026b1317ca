import { Writable } from 'node:stream';

/** A log destination that keeps every line, parsed when it is JSON (what the service writes off a terminal). */
export interface LogCapture {
  stream: Writable;
  raw: string[];
  entries(): Record<string, unknown>[];
}

export function captureLogs(): LogCapture {
  const raw: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      raw.push(...lines);
      done();
    },
  });
  return { stream, raw, entries: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
