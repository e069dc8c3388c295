import { defineConfig } from 'vitest/config';

// Real tier: the built extension in Debian's Chromium, a real broker, real WebRTC between browsers.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    // Cheap password hashing for the accounts tests make (production keeps scrypt's 2^15).
    env: { SCRYPT_N: '1024' },
    // Browsers and WebRTC are heavy on a 2-core machine: one file at a time.
    fileParallelism: false,
    // Not a time limit on the product: a guard so a hung browser can't hold CI forever.
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
