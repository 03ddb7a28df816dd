/**
 * The dashboard's build: `npm run build:web` writes web/dist, which `avesa serve` serves beside the API
 * (hashed /assets/* cached for good, index.html never). `npx vite web` serves it with hot reload and sends
 * the API's paths to `avesa serve` on port 3000.
 */
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** `avesa serve`'s default address. */
const api = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A report of every chunk's gzipped size; the first page must stay under 250 KB (docs/dashboard.md).
    reportCompressedSize: true,
    // Modern browsers only: no legacy polyfills in the bundle.
    target: 'es2022',
  },
  server: {
    proxy: { '/api': api, '/auth': api, '/health': api },
    // The contract's types and entity definitions are imported from ../api.
    fs: { allow: ['..'] },
  },
});
