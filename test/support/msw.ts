import { startWorker, useScenario, worker } from '../../mocks/browser.js';
import { engine } from './engine.js';

export { worker, useScenario };

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly credentials: RequestCredentials;
  readonly keepalive: boolean;
  readonly body: Promise<string>;
}

const seen: RecordedRequest[] = [];

/** The requests the page sent since the current test began, as MSW saw them; `path` filters by pathname. */
export function requests(path?: string): RecordedRequest[] {
  return path === undefined ? [...seen] : seen.filter((request) => request.url.pathname === path);
}

before(async () => {
  await startWorker();
  worker.events.on('request:start', ({ request }) => {
    // The page's own code (the call engine, translations) loads lazily too: only HTTP to the site and CEC counts.
    if (/\.(ts|js)$/.test(new URL(request.url).pathname)) return;
    seen.push({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      credentials: request.credentials,
      keepalive: request.keepalive,
      body: request.clone().text(),
    });
  });
});
/**
 * Resolves once no request has been seen for 50 ms (200 ms in WebKit). MSW reports requests from its service
 * worker, a little after the page sent them (later still, and less evenly, in WebKit): a count read before this
 * may miss the last ones.
 */
export async function settled(): Promise<void> {
  const quietMs = engine === 'webkit' ? 200 : 50;
  for (let count = -1, rounds = 0; count !== seen.length && rounds < 12; rounds++) {
    count = seen.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

// No code path may leave a rejected promise unhandled: any that does fails the test it happened in.
const unhandled: unknown[] = [];
addEventListener('unhandledrejection', (event) => unhandled.push(event.reason));

afterEach(() => {
  const reasons = unhandled.splice(0);
  if (reasons.length) throw new Error(`unhandled rejection: ${reasons.map(String).join('; ')}`);
});

beforeEach(async () => {
  // The last test's element may have sent a request just before it was removed; let it be seen, then forget it.
  await settled();
  seen.length = 0;
});
afterEach(() => useScenario('agents-available'));
