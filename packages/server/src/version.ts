import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The server package's version, from its package.json (the single place it is written). */
export const VERSION: string = (require('../package.json') as { version: string }).version;
