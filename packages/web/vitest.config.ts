import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'web', include: ['test/**/*.test.ts'], testTimeout: 120000, hookTimeout: 180000 },
});
