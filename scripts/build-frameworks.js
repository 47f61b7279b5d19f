// Builds the framework apps in demo/frameworks/ with Vite, each using the npm entry of this package (dist/),
// into dist-frameworks/<framework>/. Run after `npm run build`.
import { build } from 'vite';
import vue from '@vitejs/plugin-vue';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = (framework) => fileURLToPath(new URL(`../demo/frameworks/${framework}/`, import.meta.url));
const plugins = {
  react: [],
  vue: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'click-to-call' } } })],
  svelte: [svelte()],
  angular: [],
};

export async function buildFrameworks(frameworks = Object.keys(plugins)) {
  for (const framework of frameworks) {
    await build({
      root: root(framework),
      base: './',
      configFile: false,
      logLevel: 'warn',
      plugins: plugins[framework],
      esbuild: framework === 'react' ? { jsx: 'automatic' } : undefined,
      // Angular compiles its templates in the browser (JIT): its bundle is large, and that is expected here.
      build: { outDir: fileURLToPath(new URL(`../dist-frameworks/${framework}/`, import.meta.url)), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await buildFrameworks(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
