import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defaultMinifyOptions, minifyHTMLLiterals } from 'minify-html-literals';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';
import type { TokenServiceHandler } from './server/token-service.ts';
import { languages } from './src/strings.ts';

/**
 * `npm start`: the demo talks to the token service (server/), mounted in the dev server as a site would mount
 * it. With CEC_DOMAIN (or CEC_BASE_URL), CEC_APP_KEY, CEC_APP_SECRET and CEC_CHANNEL_ID set, its upstream is
 * the real CEC; otherwise the simulated CEC (mocks/, the handlers the tests use) answers it inside this Node
 * process, and `POST /__demo/scenario {"name"}` switches what that CEC does.
 */
const tokenService: Plugin = {
  name: 'click-to-call-token-service',
  apply: 'serve',
  async configureServer(server) {
    const { createTokenService } = await import('./server/token-service.ts');
    const { pino } = await import('pino');
    // A copy: the simulated CEC's settings written into it must not read as a real CEC when Vite restarts.
    const env = { ...process.env };
    const real = Boolean(env.CEC_APP_KEY);
    if (!real) {
      const { setupServer } = await import('msw/node');
      const { cecInbox, defaultGateway, scenarios, simulatedCecUpstream, upstreamCredentials } = await import('./mocks/handlers.ts');
      const { attachSipRelay, SIP_RELAY_PATH } = await import('./mocks/sip-relay.js');
      // "Call connected" names the SIP relay on this server's own port: the agent console (demo/agent.html) answers.
      let gateway = defaultGateway;
      let scenario: keyof typeof scenarios | undefined;
      // One set of AccessTokens for every scenario: the token service's stays valid across a switch.
      const accessTokens = new Set<string>();
      const cec = setupServer();
      const play = () => cec.resetHandlers(...simulatedCecUpstream({ gateway, ...(scenario && scenarios[scenario].script) }, '*', accessTokens).handlers);
      cec.listen({ onUnhandledRequest: 'bypass' });
      play();
      server.httpServer?.once('listening', () => {
        const { port } = server.httpServer!.address() as AddressInfo;
        gateway = { ...defaultGateway, domain: 'relay.local', gwAddresses: [`ws://localhost:${port}${SIP_RELAY_PATH}`] };
        play();
        attachSipRelay(server.httpServer!);
      });
      Object.assign(env, { CEC_DOMAIN: 'sim.cec.invalid', CEC_APP_KEY: upstreamCredentials.appKey, CEC_APP_SECRET: upstreamCredentials.appSecret, CEC_CHANNEL_ID: 'demo' });
      // What the simulated CEC saved from doLeaveMessage and saveSatisfaction, as it received it.
      server.middlewares.use('/__demo/inbox', (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(cecInbox)));
      server.middlewares.use('/__demo/scenario', async (req, res) => {
        // GET: the scenario playing (the page shows it after a reload); POST {"name"}: play another.
        if (req.method === 'GET') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ name: scenario ?? null }));
        let body = '';
        for await (const chunk of req) body += chunk;
        const name = (JSON.parse(body || '{}') as { name?: keyof typeof scenarios }).name;
        if (!name || !scenarios[name]) return void res.writeHead(400).end();
        scenario = name;
        play();
        res.writeHead(204).end();
      });
    }
    server.config.logger.info(`click-to-call: token service on ${real ? `CEC ${env.CEC_BASE_URL ?? env.CEC_DOMAIN}` : 'the simulated CEC'}`);
    // The service trusts only configured origins: here, the dev server's own, known once it listens.
    let service: TokenServiceHandler | undefined;
    server.httpServer?.once('listening', () => {
      try {
        service = createTokenService({
          domain: env.CEC_DOMAIN,
          baseUrl: env.CEC_BASE_URL,
          appKey: env.CEC_APP_KEY!,
          appSecret: env.CEC_APP_SECRET!,
          channelId: env.CEC_CHANNEL_ID!,
          allowedOrigins: devServerOrigins(server),
          rateLimit: 120,
          // Trying the message form and the survey again and again, as a developer does.
          rateLimitMessage: 120,
          // Every poll would be a JSON line here; LOG_LEVEL=info shows them.
          logger: pino({ level: env.LOG_LEVEL ?? 'warn' }),
        });
      } catch (error) {
        server.config.logger.error((error as Error).message);
        process.exit(1);
      }
    });
    server.middlewares.use((req, res, next) => (service ? service(req, res, next) : next()));
  },
};

/** Every origin the dev server can be opened at: localhost, loopback and, with `--host`, the machine's addresses. */
function devServerOrigins(server: ViteDevServer): string[] {
  const { port } = server.httpServer!.address() as AddressInfo;
  const scheme = server.config.server.https ? 'https' : 'http';
  const hosts = ['localhost', '127.0.0.1', '[::1]'];
  if (server.config.server.host) {
    for (const address of Object.values(networkInterfaces()).flat()) {
      if (address && !address.internal) hosts.push(address.family === 'IPv6' ? `[${address.address}]` : address.address);
    }
  }
  return hosts.map((host) => new URL(`${scheme}://${host}:${port}`).origin);
}

/**
 * Lit's `html` and `css` templates ship as written, indentation included: minified at build time, the
 * script-tag bundle is smaller by what the whitespace cost.
 */
const minifyTemplates: Plugin = {
  name: 'click-to-call-minify-templates',
  apply: 'build',
  transform(code, id) {
    if (!/\/src\/.*\.ts$/.test(id)) return undefined;
    // SVG needs its self-closing slashes: without them, `<path>` would swallow the shapes after it.
    return minifyHTMLLiterals(code, { fileName: id, minifyOptions: { ...defaultMinifyOptions, keepClosingSlash: true } }) ?? undefined;
  },
};

/**
 * Builds into dist/ (the first empties it):
 * - default: the npm ES modules, Lit and JsSIP external; the call and media engines are dynamic-import chunks;
 * - `iife`: the script-tag bundle, Lit inside, loading the call and media engines from sibling files;
 * - `call`: the first sibling, `click-to-call.call.js`, an ES module loaded at the visitor's first intent;
 * - `media`: the second, `click-to-call.media.js`, an ES module with JsSIP inside, loaded on call-connected;
 * - `after-call`: the third, `click-to-call.after-call.js`, the message form and the survey (Lit lent by the core);
 * - `locales`: the script-tag bundle's other siblings, `locales/<language>.js`.
 */
export default defineConfig(({ mode }) => {
  const lib = {
    iife: { entry: 'src/index.ts', name: 'ClickToCall', formats: ['iife' as const], fileName: () => 'click-to-call.iife.js' },
    call: { entry: 'src/call-engine.ts', formats: ['es' as const], fileName: () => 'click-to-call.call.js' },
    media: { entry: 'src/media/sip-call.ts', formats: ['es' as const], fileName: () => 'click-to-call.media.js' },
    'after-call': { entry: 'src/after-call/after-call.ts', formats: ['es' as const], fileName: () => 'click-to-call.after-call.js' },
    locales: {
      entry: Object.fromEntries(languages.map((language) => [language, `src/locales/${language}.ts`])),
      formats: ['es' as const],
      fileName: (_format: string, entry: string) => `locales/${entry}.js`,
    },
  }[mode] ?? {
    entry: { index: 'src/index.ts', element: 'src/element.ts' },
    formats: ['es' as const],
    fileName: (_format: string, entry: string) => `${entry}.js`,
  };
  return {
    plugins: [tokenService, minifyTemplates],
    resolve: {
      alias:
        mode === 'iife'
          ? [{ find: /^\.\.?\/chunks\.js$/, replacement: fileURLToPath(new URL('src/chunks.sibling.ts', import.meta.url)) }]
          : [],
    },
    build: {
      target: 'es2022',
      emptyOutDir: mode === 'production',
      copyPublicDir: false,
      sourcemap: true,
      lib,
      rolldownOptions: {
        external: mode === 'production' ? [/^lit(\/.*)?$/, /^@lit\//, /^jssip(\/.*)?$/] : [],
        // Vite keeps whitespace in ES library builds: minified, as Lit ships its own (a site's bundler may minify
        // again; source maps keep it readable), and what visitors download as it is, the chunks.
        output: mode === 'iife' ? {} : { minify: true },
      },
    },
  };
});
