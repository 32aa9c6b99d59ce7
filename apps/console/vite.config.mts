// The console's build: `vite build` writes apps/console/dist (index.html and hashed assets, every
// asset bundled, nothing from a CDN). Asset paths are relative, so the API process can serve the
// console under any prefix. The catalogue of messages is bundled from its TypeScript source.
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type UserConfig } from 'vite';

const config: UserConfig = defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  resolve: { conditions: ['nrdl-source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // `npm run dev -w apps/console`: the API of `npm start` behind the dev server, same origin.
  server: { proxy: { '/v1': 'http://127.0.0.1:21080' } },
});

export default config;
