import { defineConfig } from 'vitest/config';

// Fast tier: core, broker and components logic, no browser.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
  },
});
