// `click-to-call/server`: the token service, as a request handler or as a ready server.
export { createTokenService, type TokenService, type TokenServiceHandler } from './token-service.js';
export type { Health } from './admin.js';
export { createTokenServer, type ConnectionLimits } from './node-server.js';
export type { TokenServiceOptions, TrustProxy, Visitor } from './options.js';
