// What the token service's tests share: the service on 127.0.0.1 (in this process, or as the CLI in a child
// process), raw HTTP requests, a clock that can be moved forward, and every log line and answer seen.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { pino } from 'pino';
import { createTokenServer } from '../../dist/server/index.js';

export const PUBLIC_ORIGIN = 'https://shop.example';
export const MOUNT = '/apiaccess/ccmessaging';

/**
 * Whether `value` is a visitor token the simulated CEC issued: `sim-<n>-…`, or in CEC's documented form,
 * URL-encoded Base64 of JSON naming the tenant, channel and user (cec-api.md §4).
 */
export function isSimulatedToken(value) {
  if (typeof value !== 'string') return false;
  if (/^sim-\d+-/.test(value)) return true;
  try {
    return typeof JSON.parse(Buffer.from(decodeURIComponent(value), 'base64').toString('utf8')).tenantId === 'string';
  } catch {
    return false;
  }
}
/** A simulated visitor token anywhere in a text (a log, answers), in either form: `{"tenantId":` is `eyJ0ZW5hbnRJZCI6`. */
export const SIMULATED_TOKEN = /sim-\d+-|eyJ0ZW5hbnRJZCI6/;

/** Every log line the in-process services wrote: `<level> <JSON line>`. */
export const logged = [];
/** Every answer (headers and body) the tests read. */
export const answered = [];
/** A pino logger whose lines land in `lines` as `<level> <JSON line>`. */
export const collectingLogger = (lines) =>
  pino({ level: 'debug' }, { write: (line) => lines.push(`${pino.levels.labels[JSON.parse(line).level]} ${line.trim()}`) });
const logger = collectingLogger(logged);

const closers = [];
/** Stops every service and upstream started since the last call. */
export const closeAll = () => Promise.all(closers.splice(0).map((close) => close()));
export const track = (closable) => (closers.push(() => closable.close()), closable);

/**
 * The token service (createTokenServer, as the CLI runs it) on 127.0.0.1 in front of `upstream`, and helpers
 * that record what it answers.
 */
export async function startService(upstream, credentials, options = {}) {
  const server = createTokenServer({ baseUrl: upstream.url, ...credentials, channelId: 'web-1', publicOrigin: PUBLIC_ORIGIN, logger, ...options });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  return { server, base, port: server.address().port, ...clientOf(base) };
}

/** `call(path, init)` and `token(headers)` against the service at `base`. */
export function clientOf(base) {
  const call = async (path, init = {}) => {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    answered.push(`${[...response.headers].join('\n')}\n${text}`);
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  };
  const token = async (headers = {}) => {
    const answer = await call(`${MOUNT}/token`, post({}, headers));
    if (answer.status !== 200) throw new Error(`/token answered ${answer.status}: ${answer.text}`);
    return answer.json().token;
  };
  return { call, token };
}

export const post = (body, headers = {}) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/** The CLI (`dist/server/cli.js`) in a child process with `env`; resolves once it listens, or with its exit. */
export function startCli(env) {
  const child = spawn(process.execPath, ['dist/server/cli.js'], {
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const port = /listening on http:\/\/[^/]+:(\d+)\//.exec(stdout)?.[1];
      if (!port) return;
      const base = `http://127.0.0.1:${port}`;
      const stop = () => (child.exitCode === null ? (child.kill(), exited) : exited);
      closers.push(stop);
      resolve({ child, port: Number(port), base, ...clientOf(base), output: () => stdout + stderr, stop, exited });
    });
    exited.then((code) => resolve({ code, stderr, stdout }));
  });
}

/**
 * Sends `text` (a whole HTTP request, or a part of one) on a fresh connection and collects what comes back
 * until the server closes it or `waitMs` passes. `then(socket)` may go on writing.
 */
export function rawRequest(port, text, { waitMs = 3000, then } = {}) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(text);
      then?.(socket);
    });
    const started = Date.now();
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = data.toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(raw)?.[1] ?? 0);
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      resolve({ raw, status, head, body: dechunk(head, rest.join('\r\n\r\n')), closed, afterMs: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => (data = Buffer.concat([data, chunk])));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

function dechunk(head, body) {
  if (!/transfer-encoding: chunked/i.test(head)) return body;
  let out = '';
  for (let rest = body; ; ) {
    const size = parseInt(rest, 16);
    if (!(size > 0)) return out;
    const start = rest.indexOf('\r\n') + 2;
    out += rest.slice(start, start + size);
    rest = rest.slice(start + size + 2);
  }
}

/** Moves `Date.now()` forward for everything in this process (the service's clocks and rate windows). */
export function advanceClock(ms) {
  const now = Date.now;
  Date.now = () => now() + ms;
  return () => (Date.now = now);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `tasks` (functions returning promises) `width` at a time; resolves with their results in order. */
export async function inBatches(tasks, width = 50) {
  const results = [];
  for (let i = 0; i < tasks.length; i += width) results.push(...(await Promise.all(tasks.slice(i, i + width).map((task) => task()))));
  return results;
}
