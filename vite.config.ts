import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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

/**
 * Three builds into dist/ (the first empties it):
 * - default: the npm ES modules, Lit and JsSIP external; the media engine is a dynamic-import chunk;
 * - `iife`: the script-tag bundle, Lit inside, loading the media engine from its sibling file;
 * - `media`: that sibling, `click-to-call.media.js`, an ES module with JsSIP inside.
 */
export default defineConfig(({ mode }) => {
  const lib = {
    iife: { entry: 'src/index.ts', name: 'ClickToCall', formats: ['iife' as const], fileName: () => 'click-to-call.iife.js' },
    media: { entry: 'src/media/sip-call.ts', formats: ['es' as const], fileName: () => 'click-to-call.media.js' },
  }[mode] ?? {
    entry: { index: 'src/index.ts', element: 'src/element.ts' },
    formats: ['es' as const],
    fileName: (_format: string, entry: string) => `${entry}.js`,
  };
  return {
    plugins: [mswWorker],
    resolve: {
      alias:
        mode === 'iife'
          ? [{ find: './media/engine.js', replacement: fileURLToPath(new URL('src/media/engine.sibling.ts', import.meta.url)) }]
          : [],
    },
    build: {
      target: 'es2022',
      emptyOutDir: mode !== 'iife' && mode !== 'media',
      copyPublicDir: false,
      sourcemap: true,
      lib,
      rolldownOptions: {
        external: mode === 'production' ? [/^lit(\/.*)?$/, /^@lit\//, /^jssip(\/.*)?$/] : [],
        // Vite keeps whitespace in ES library builds; the media chunk is downloaded by visitors as it is.
        output: mode === 'media' ? { minify: true } : {},
      },
    },
  };
});
