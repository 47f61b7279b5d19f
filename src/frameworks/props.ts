import type { ClickToCall } from '../click-to-call.element.js';

/** The element's events, by name. */
export type ClickToCallEventName =
  | 'call-request'
  | 'call-started'
  | 'no-agents'
  | 'call-error'
  | 'call-unavailable'
  | 'call-queued'
  | 'call-connected'
  | 'call-active'
  | 'call-ended'
  | 'call-failed';

/** What a framework may set on `<click-to-call>`: its properties, and its attributes by their own names. */
export type ClickToCallProps = Partial<
  Pick<
    ClickToCall,
    | 'tokenEndpoint'
    | 'tokenProvider'
    | 'apiBase'
    | 'channel'
    | 'media'
    | 'timeout'
    | 'pollInterval'
    | 'maxPollFailures'
    | 'preflight'
    | 'mediaEngine'
    | 'iceServers'
    | 'disabled'
    | 'context'
    | 'strings'
    | 'theme'
    | 'variant'
    | 'debug'
  >
> & {
  'token-endpoint'?: string;
  'api-base'?: string;
  'poll-interval'?: number | string;
  'max-poll-failures'?: number | string;
  'media-engine'?: 'jssip' | 'none';
  'ice-servers'?: string;
};
