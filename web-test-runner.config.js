import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { buildSync } from 'esbuild';
import { visualRegressionPlugin } from '@web/test-runner-visual-regression/plugin';
import { chromeArgs, chromePath } from './scripts/chrome-path.js';
import { summaryReporter } from './scripts/summary-reporter.js';
import { attachSipRelay } from './mocks/sip-relay.js';

const mswWorker = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');

let jssip;
let sipRelay;
const jssipModule = () =>
  (jssip ??= buildSync({
    stdin: { contents: "export { UA, WebSocketInterface } from 'jssip';", resolveDir: process.cwd() },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  }).outputFiles[0].text);

export default {
  files: 'test/**/*.test.ts',
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  reporters: [defaultReporter(), summaryReporter(process.env.WTR_SUMMARY_FILE)],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    // Screenshots against test/screenshots/<browser>/baseline; UPDATE_SCREENSHOTS=1 writes new references.
    visualRegressionPlugin({
      baseDir: 'test/screenshots',
      update: process.env.UPDATE_SCREENSHOTS === '1',
      failureThreshold: 0.5,
      failureThresholdType: 'percent',
    }),
    {
      // JsSIP ships CommonJS only: the browser gets the part the element imports, bundled as a module.
      name: 'jssip-as-module',
      resolveImport: ({ source }) => (source === 'jssip' ? '/__jssip.js' : undefined),
      serve: (context) => (context.path === '/__jssip.js' ? { body: jssipModule(), type: 'js' } : undefined),
    },
    {
      // The stand-in for CEC's WebRTC gateway at /sip on this server: the in-call tests' agent console answers there.
      name: 'sip-relay',
      serverStart({ server }) {
        if (server) sipRelay = attachSipRelay(server);
      },
      serverStop: () => sipRelay?.close(),
    },
    {
      // MSW's worker, served at the root so it controls the test pages, straight from the installed msw.
      name: 'msw-worker',
      async serve(context) {
        if (context.path === '/mockServiceWorker.js') return { body: await readFile(mswWorker, 'utf8'), type: 'js' };
      },
    },
  ],
  // A file that stalls is reported after 5 min, with its results so far, rather than cut off at 2.
  testsFinishTimeout: 300_000,
  // TEST_GREP=pattern runs only the matching tests.
  testFramework: { config: { timeout: 10000, grep: process.env.TEST_GREP } },
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  // Media may play without a gesture, as after the visitor's click (tests click by script): the agent console's tone too.
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromePath(), headless: true, args: [...chromeArgs, '--autoplay-policy=no-user-gesture-required'] } })],
};
