import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'jinja',
    include: ['test/**/*.test.ts'],
  },
});
