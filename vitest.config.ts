import { defineConfig } from 'vitest/config';

// Fast tier: core, broker and components logic, no browser.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Cheap password hashing for the accounts tests make (production keeps scrypt's 2^15).
    env: { SCRYPT_N: '1024' },
    // Not a time limit on the code (tests assert none): a hang's backstop. Vitest's 5 s default failed
    // real work on a loaded 2-core machine (brokers, PostgreSQL and Redis start inside tests).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
