import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts so the unit tests never load the PWA plugin.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    restoreMocks: true,
  },
});
