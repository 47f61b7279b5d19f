import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { answerClientError, Refusal, refusalAnswer, writeAnswer, writeRawAnswer } from './http.js';
import { readTrustProxy, type TokenServiceOptions } from './options.js';
import { subscriberOf } from './rate-limit.js';
import { createTokenService, type TokenService } from './token-service.js';

export interface ConnectionLimits {
  /** Milliseconds a client has to send the request headers. Default 10000. */
  readonly headersTimeout?: number;
  /** Milliseconds a client has to send the whole request. Default 30000. */
  readonly requestTimeout?: number;
  /** Open connections per client address (IPv6: per /64); trusted proxies are not limited. Default 256. */
  readonly maxConnectionsPerClient?: number;
  /** Open connections in all; past it, new ones are closed at once, before file descriptors run out. Default 4096. */
  readonly maxConnections?: number;
}

/**
 * The token service on its own `node:http` server, with what a public server needs: headers within 10 s, the
 * whole request within 30 s, at most 256 open connections per client and 4096 in all, and a JSON answer for
 * every request — those Node cannot parse, CONNECT, an unknown `Expect` and a missing `Host` included, where
 * Node would write a bare status line or nothing. Call `listen()` on it; `service` is the token service it runs
 * (its admin handler, metrics and health), closed with the server.
 */
export function createTokenServer(options: TokenServiceOptions & ConnectionLimits): Server & { readonly service: TokenService } {
  const { headersTimeout = 10_000, requestTimeout = 30_000, maxConnectionsPerClient = 256, maxConnections = 4096, ...serviceOptions } = options;
  const handler = createTokenService({ bodyTimeout: requestTimeout, ...serviceOptions });
  const refuse = (req: IncomingMessage, res: ServerResponse, refusal: Refusal) => writeAnswer(req, res, refusalAnswer(refusal));
  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      // Node checks both timeouts on this interval (30 s by default, which would triple the header allowance).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout / 2),
      // Checked below, so that its refusal is JSON too.
      requireHostHeader: false,
    },
    (req, res) =>
      req.headers.host === undefined && req.httpVersion === '1.1'
        ? refuse(req, res, new Refusal(400, 'bad-request', 'the Host header is missing'))
        : handler(req, res),
  );
  server.maxConnections = maxConnections;
  server.on('clientError', answerClientError);
  server.on('connection', connectionLimit(maxConnectionsPerClient, readTrustProxy(options.trustProxy, 'trustProxy')));
  server.on('checkExpectation', (req, res) => refuse(req, res, new Refusal(417, 'expectation-failed', 'only Expect: 100-continue is understood')));
  server.on('connect', (_req: IncomingMessage, socket: Socket) => writeRawAnswer(socket, 405, 'method-not-allowed', 'this is not a proxy'));
  server.on('close', () => void handler.close());
  return Object.assign(server, { service: handler });
}

/** Refuses a client's connection past `max` open ones (a trusted proxy carries everyone's, so it is not counted). */
function connectionLimit(max: number, trusted: (address: string, hop: number) => boolean) {
  const open = new Map<string, number>();
  return (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || trusted(address, 0)) return;
    const client = subscriberOf(address);
    const count = (open.get(client) ?? 0) + 1;
    if (count > max) return writeRawAnswer(socket, 429, 'rate-limited', 'too many connections');
    open.set(client, count);
    socket.once('close', () => {
      const left = open.get(client)! - 1;
      if (left) open.set(client, left);
      else open.delete(client);
    });
  };
}
