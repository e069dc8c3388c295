import { defineConfig } from 'vitest/config';

// Fast tier: core, broker and components logic, no browser.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Cheap password hashing for the accounts tests make (production keeps scrypt's 2^15).
    env: { SCRYPT_N: '1024' },
  },
});
