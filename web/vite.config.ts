// Vite builds the app into web/dist (served by the gateway); vitest runs the component/store tests
// in happy-dom and the browser end-to-end test (web/test/e2e) in node.
import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

const gateway = process.env.FORGE_DEV_GATEWAY ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [vue()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': { target: gateway, ws: true } } },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 10_000,
    // The browser test polls the page; on a loaded 2-core machine 1 s (the default) is too tight.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
