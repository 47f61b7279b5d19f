import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A refusal: its HTTP status, a JSON `{error, message}` body a visitor may read, extra headers, and a
 * `detail` for the log only.
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly detail?: string,
  ) {
    super(message);
  }
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** On every answer: JSON that is never sniffed as something else and never cached. */
const answerHeaders = {
  'Content-Type': 'application/json; charset=utf-8',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

export const refusalAnswer = ({ status, code, message, headers }: Refusal): Answer => ({
  status,
  body: JSON.stringify({ error: code, message }),
  headers,
});

/**
 * Writes `answer`. A request whose body was not read to its end closes its connection, so the rest of an
 * oversized or stalled body is never pulled off the wire.
 */
export function writeAnswer(req: IncomingMessage, res: ServerResponse, { status, body, headers }: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const close = !req.complete;
  try {
    res.writeHead(status, { ...answerHeaders, ...headers, ...(close ? { Connection: 'close' } : {}) });
    res.end(body);
  } catch {
    res.destroy();
  }
}

/** A request that declares a body (GETs and preflights must not). */
export const declaresBody = (req: IncomingMessage): boolean =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** The one media type a body may have: JSON, in UTF-8 if a charset is named. */
const JSON_TYPE = /^application\/json[ \t]*(?:;[ \t]*charset=(?:utf-8|"utf-8")[ \t]*)?$/i;

/**
 * The body as a JSON object (an empty body is `{}`), received within `timeoutMs`: over `max` bytes is 413
 * (at once when Content-Length says so), too slow 408, a body without `Content-Type: application/json` 415,
 * anything but UTF-8 or a JSON object 400. A body a parser mounted before the service read (`express.json()`,
 * which checked its type) is taken as it parsed it.
 */
export async function readJson(req: IncomingMessage, max: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const parsedBefore = req.readableEnded;
  const bytes = await readBody(req, max, timeoutMs);
  if (!bytes.length) return {};
  if (!parsedBefore && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    throw new Refusal(415, 'unsupported-media-type', 'the body must be sent as Content-Type: application/json');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Refusal(400, 'bad-request', 'the body must be UTF-8');
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Refusal(400, 'bad-request', 'the body must be a JSON object');
}

function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Buffer> {
  const tooLarge = new Refusal(413, 'too-large', `bodies are limited to ${max} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > max) return Promise.reject(tooLarge);
  if (req.readableEnded) {
    // A body parser mounted before the service (express.json()) read it: its result is the body.
    const parsed = (req as IncomingMessage & { body?: unknown }).body;
    const body = Buffer.from(parsed && typeof parsed === 'object' ? JSON.stringify(parsed) : '');
    return body.length > max ? Promise.reject(tooLarge) : Promise.resolve(body);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(new Refusal(408, 'timeout', 'the request body took too long')), timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return finish(tooLarge);
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onClose = () => finish(new Refusal(400, 'bad-request', 'the request body was cut off'));
    function finish(error?: Refusal) {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onClose).off('close', onClose);
      if (!error) return resolve(Buffer.concat(chunks));
      req.pause();
      reject(error);
    }
    req.on('data', onData).on('end', onEnd).on('error', onClose).on('close', onClose);
  });
}

/**
 * An answer written straight to a socket, where Node gives no response object (a request it could not
 * parse, CONNECT), then the connection closed.
 */
export function writeRawAnswer(socket: Socket, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: code, message });
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    ...Object.entries(answerHeaders).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.on('error', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  socket.destroySoon();
}

/**
 * The server's `clientError` handler: a request Node cannot parse (bad target, bad header, headers too large
 * or too slow) gets a JSON answer, where Node would write a bare status line.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // As Node's own handler: answer only while no response of this connection has started.
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
  if (error.code === 'HPE_HEADER_OVERFLOW') return writeRawAnswer(socket, 431, 'headers-too-large', 'the request headers are too large');
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return writeRawAnswer(socket, 408, 'timeout', 'the request took too long');
  writeRawAnswer(socket, 400, 'bad-request', 'the request could not be parsed');
}
