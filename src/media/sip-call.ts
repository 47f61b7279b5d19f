import { UA, WebSocketInterface } from 'jssip';
import type { Gateway } from '../transport/cec-answers.js';
import { watchQuality, type CallQuality } from './call-quality.js';

export { adoptQualityStyles, qualityIndicator } from '../quality-indicator.js';

/** How long ICE may gather before the INVITE leaves anyway: an unreachable STUN server would hold it ~40 s. */
const ICE_GATHERING_CAP_MS = 1000;
/** How long the gateway may take to connect and answer before the call counts as failed. */
const SETUP_TIMEOUT_MS = 20_000;

export interface SipCallOptions {
  readonly gateway: Gateway;
  /** The visitor's microphone (and camera), already granted. */
  readonly stream: MediaStream;
  readonly video: boolean;
  readonly iceServers: RTCIceServer[];
  /** The agent's media arrived. */
  readonly onRemoteStream: (stream: MediaStream) => void;
  /** The SIP session is confirmed: visitor and agent are talking. */
  readonly onActive: () => void;
  /** The agent hung up (BYE). */
  readonly onEnded: () => void;
  readonly onFailed: (failure: { sipStatus?: number; cause: string }) => void;
  /** While talking: the call's quality, when its level changes and every 10 s (call-quality.ts). */
  readonly onQuality: (quality: CallQuality) => void;
}

export interface SipCall {
  /** Sends BYE (or CANCEL) if the session still runs, and closes the WebSocket. Calls no callback afterwards. */
  close(): void;
}

/** `wss://…` and `ws://…` as they are; a bare `host:port` means `wss://host:port`. */
export function gatewayUrls(addresses: readonly string[]): string[] {
  return addresses.map((address) => (/^wss?:\/\//i.test(address) ? address : `wss://${address}`));
}

/**
 * Calls `sip:<accessCode>@<domain>` as `sip:<clickToCallCaller>@<domain>` over SIP-over-WebSocket, without
 * registering, trying the gateway addresses in the order given.
 */
export function placeSipCall(options: SipCallOptions): SipCall {
  const { gateway, stream, video, iceServers } = options;
  const urls = gatewayUrls(gateway.gwAddresses);
  let closed = false;
  const finish = (report: () => void) => {
    if (closed) return;
    call.close();
    report();
  };
  const fail = (cause: string, sipStatus?: number) => finish(() => options.onFailed({ sipStatus, cause }));

  // JsSIP picks at random among sockets of equal weight: descending weights keep the order given.
  const sockets = urls.map((url, index) => ({ socket: new WebSocketInterface(url), weight: urls.length - index }));
  const ua = new UA({
    sockets,
    // CEC may leave the caller out: SIP's anonymous user then.
    uri: `sip:${gateway.clickToCallCaller || 'anonymous'}@${gateway.domain}`,
    register: false,
    session_timers: false,
    connection_recovery_min_interval: 1,
    connection_recovery_max_interval: 2,
  });
  let session: ReturnType<UA['call']> | undefined;
  let stopQuality: (() => void) | undefined;
  const setupTimer = setTimeout(() => fail(session ? 'Timeout' : 'Connection Error'), SETUP_TIMEOUT_MS);

  const call: SipCall = {
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(setupTimer);
      stopQuality?.();
      try {
        if (session && !session.isEnded()) session.terminate();
      } catch {
        // already ending
      }
      ua.stop();
    },
  };

  // A gateway that cannot be reached fails at once, but only when every address has failed.
  const unreachable = new Set<string>();
  ua.on('disconnected', ({ socket }) => {
    if (session) return;
    unreachable.add(socket.url);
    if (unreachable.size === urls.length) fail('Connection Error');
  });
  ua.on('connected', () => {
    // A reconnect after a dropped WebSocket must not dial a second time.
    if (closed || session) return;
    try {
      session = ua.call(`sip:${gateway.accessCode}@${gateway.domain}`, {
        mediaStream: stream,
        mediaConstraints: { audio: true, video },
        pcConfig: { iceServers },
      });
    } catch (error) {
      return fail(`the gateway could not be called: ${(error as Error)?.message ?? error}`);
    }
    let iceCap: ReturnType<typeof setTimeout> | undefined;
    session.on('icecandidate', ({ ready }) => {
      iceCap ??= setTimeout(ready, ICE_GATHERING_CAP_MS);
    });
    session.connection.addEventListener('track', ({ streams }) => streams[0] && options.onRemoteStream(streams[0]));
    session.connection.addEventListener('iceconnectionstatechange', () => {
      if (session?.connection.iceConnectionState === 'failed') fail('ICE failed');
    });
    session.on('confirmed', () => {
      clearTimeout(setupTimer);
      if (closed) return;
      options.onActive();
      stopQuality = watchQuality(session!.connection, options.onQuality);
    });
    session.on('ended', () => finish(options.onEnded));
    session.on('failed', ({ cause, message }) => {
      clearTimeout(iceCap);
      // JsSIP cancels the INVITE itself on a transport failure or when ICE fails, and says "Canceled"; only
      // close() cancels otherwise, and it is silent.
      const why = session?.connection?.iceConnectionState === 'failed' ? 'ICE failed' : cause === 'Canceled' ? 'Connection Error' : cause;
      fail(why, (message as { status_code?: number } | undefined)?.status_code);
    });
  });
  ua.start();
  return call;
}
