import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

// Where `npm run dev` forwards API calls; the built app is served by the Python server itself.
const api = process.env.DOORSTEP_API ?? 'http://127.0.0.1:8010';

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      // The app registers the worker itself (src/app/sw-register.ts) so an update waits for
      // the technician instead of reloading in the middle of a visit.
      injectRegister: false,
      registerType: 'prompt',
      includeAssets: ['icons/*.png'],
      manifest: {
        name: 'Doorstep',
        short_name: 'Doorstep',
        description: 'On-site service visits, offline first',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f5e6b',
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // .wasm: the QR reader's zxing build (about 1 MB), so scanning works offline.
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest,wasm}'],
      },
      devOptions: { enabled: false },
    }),
  ],
  build: {
    target: 'es2020',
    sourcemap: false,
  },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/files': { target: api, changeOrigin: true },
      '/uploads': { target: api, changeOrigin: true },
      '/media': { target: api, changeOrigin: true },
    },
  },
});
