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
      build: { outDir: fileURLToPath(new URL(`../dist-frameworks/${framework}/`, import.meta.url)), emptyOutDir: true },
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await buildFrameworks(process.argv.slice(2).length ? process.argv.slice(2) : undefined);
