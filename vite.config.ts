import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { defineConfig, type Plugin } from 'vite';

const mswWorkerFile = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');

/** The demo's simulated CEC runs in MSW's service worker, served at the root from the installed msw. */
const mswWorker: Plugin = {
  name: 'msw-worker',
  apply: 'serve',
  configureServer(server) {
    server.middlewares.use('/mockServiceWorker.js', async (_req, res) => {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(await readFile(mswWorkerFile));
    });
  },
};

export default defineConfig(({ mode }) => {
  const iife = mode === 'iife';
  return {
    plugins: [mswWorker],
    build: {
      target: 'es2022',
      // The iife build runs second and must not wipe the ES build.
      emptyOutDir: !iife,
      copyPublicDir: false,
      sourcemap: true,
      lib: iife
        ? { entry: 'src/index.ts', name: 'ClickToCall', formats: ['iife'], fileName: () => 'click-to-call.iife.js' }
        : {
            entry: { index: 'src/index.ts', element: 'src/element.ts' },
            formats: ['es'],
            fileName: (_format, entry) => `${entry}.js`,
          },
      rolldownOptions: { external: iife ? [] : [/^lit(\/.*)?$/, /^@lit\//] },
    },
  };
});
