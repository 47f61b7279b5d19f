import { UA, WebSocketInterface } from 'jssip';
import type { Gateway } from '../transport/cec-answers.js';
import { watchQuality, type CallQuality } from './call-quality.js';

export { adoptIndicatorStyles, inCallIndicators } from '../in-call-indicators.js';
export { watchMicLevel } from './mic-level.js';
export { IndicatorState } from './indicator-state.js';

/** How long ICE may gather before the INVITE leaves anyway: an unreachable STUN server would hold it ~40 s. */
const ICE_GATHERING_CAP_MS = 1000;
/** How long the gateway may take to connect and answer before the call counts as failed. */
const SETUP_TIMEOUT_MS = 20_000;
/** How long a broken media path may take to come back (ICE restarts meanwhile) before the call counts as failed. */
const MEDIA_RECOVERY_MS = 15_000;
/** ICE `disconnected` often mends itself within a moment: the first restart waits this long (after `failed`, none). */
const RESTART_DELAY_MS = 2000;
/** A restart whose checks have not connected yet is tried again this often: the path may be back by now. */
const RESTART_RETRY_MS = 5000;
/** A target refresh after a reconnect: up to this many re-INVITEs, 2 s apart, for at most 30 s. */
const REFRESH_TRIES = 5;
const REFRESH_RETRY_MS = 2000;
const REFRESH_WINDOW_MS = 30_000;
/**
 * JsSIP ends a call by itself when ICE fails ("RTP Timeout") and when one of our re-INVITEs ends badly: refused
 * ("WebRTC Error"), unsent or cut off ("Connection Error"), unanswered ("Request Timeout"), unknown to the gateway
 * ("Dialog Error"). While talking the first is the recovery's to decide (it gives up after 15 s), and the others
 * end nothing: the media flows on, and the restart or refresh is tried again.
 */
const ICE_FAILED_CAUSE = 'RTP Timeout';
const REINVITE_FAILED_CAUSES = ['Connection Error', 'WebRTC Error', 'Request Timeout', 'Dialog Error'];
/** The cause of a call whose media path did not come back. */
const MEDIA_LOST = 'the media connection was lost';

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
  /** While talking, the media path broke: ICE restarts follow. */
  readonly onReconnecting: () => void;
  /** The media path is back. */
  readonly onReconnected: () => void;
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
 * registering, trying the gateway addresses in the order given. While talking, a dropped WebSocket is reconnected
 * by JsSIP and ends nothing (the media flows on; a re-INVITE tells the gateway the new connection); a broken media
 * path is restarted (ICE restart by re-INVITE) for up to 15 s before the call fails.
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
  const fail = (cause: string, sipStatus?: number) => finish(() => options.onFailed(sipStatus === undefined ? { cause } : { sipStatus, cause }));

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
  /** The session is confirmed: visitor and agent are talking. */
  let talking = false;
  /** One of our re-INVITEs (an ICE restart or a target refresh) is out: one at a time. */
  let reinviting = false;
  /** After a reconnect: how many target refreshes are left to send, until when, and the next try. */
  let refreshesLeft = 0;
  let refreshUntil = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let stopQuality: (() => void) | undefined;
  /** While the media path is broken: when the call gives up, and the next ICE restart. */
  let recovery: { giveUp: ReturnType<typeof setTimeout>; restart: ReturnType<typeof setTimeout> } | undefined;
  const endRecovery = () => {
    clearTimeout(recovery?.giveUp);
    clearTimeout(recovery?.restart);
    recovery = undefined;
  };
  const setupTimer = setTimeout(() => fail(session ? 'Timeout' : 'Connection Error'), SETUP_TIMEOUT_MS);

  const call: SipCall = {
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(setupTimer);
      clearTimeout(refreshTimer);
      endRecovery();
      stopQuality?.();
      try {
        if (session && !session.isEnded()) session.terminate();
      } catch {
        // already ending
      }
      ua.stop();
    },
  };

  /**
   * Sends a re-INVITE (`iceRestart`: with new ICE credentials) unless one is out already (JsSIP's own retry after a
   * 491 included), another transaction holds the dialog, or the WebSocket is down (JsSIP reconnects it meanwhile).
   * `succeeded` runs once the answer is applied. Whether it was sent.
   */
  const reinvite = (iceRestart: boolean, succeeded?: () => void): boolean => {
    if (reinviting || !session || !ua.isConnected() || !session.isReadyToReOffer()) return false;
    reinviting = true;
    session.renegotiate({ rtcOfferConstraints: { iceRestart } }, () => {
      reinviting = false;
      succeeded?.();
    });
    return true;
  };
  /** Restarts ICE with a re-INVITE, and again every 5 s until the path is back (or the call gives up). */
  const restartIce = () => {
    if (!recovery) return;
    reinvite(true);
    recovery.restart = setTimeout(restartIce, RESTART_RETRY_MS);
  };
  const onIceState = (state: RTCIceConnectionState) => {
    if (!talking) {
      if (state === 'failed') fail('ICE failed');
    } else if (state === 'connected' || state === 'completed') {
      if (!recovery) return;
      endRecovery();
      options.onReconnected();
    } else if (state === 'failed' && recovery) {
      // The path is not mending by itself: no need to wait for the round.
      clearTimeout(recovery.restart);
      recovery.restart = setTimeout(restartIce, 0);
    } else if ((state === 'disconnected' || state === 'failed') && !recovery) {
      recovery = {
        giveUp: setTimeout(() => fail(MEDIA_LOST), MEDIA_RECOVERY_MS),
        restart: setTimeout(restartIce, state === 'failed' ? 0 : RESTART_DELAY_MS),
      };
      options.onReconnecting();
    }
  };

  // A gateway that cannot be reached fails at once, but only when every address has failed.
  const unreachable = new Set<string>();
  ua.on('disconnected', ({ socket }) => {
    // Mid-call, JsSIP reconnects on its own (every 1–2 s) and the media does not need the WebSocket.
    if (session) return;
    unreachable.add(socket.url);
    if (unreachable.size === urls.length) fail('Connection Error');
  });
  /**
   * After a reconnect mid-call, the gateway knows the visitor's new WebSocket only once a request carries the
   * visitor's Contact over it: a re-INVITE with the same media, so that the agent's BYE can reach the visitor. (An
   * ICE restart under way refreshes it too.)
   */
  const refreshTarget = () => {
    if (closed || !talking || refreshesLeft <= 0 || Date.now() > refreshUntil) return;
    // The gateway may not route it yet (it restarted, the agent is registering again): tried again in 2 s.
    refreshTimer = setTimeout(refreshTarget, REFRESH_RETRY_MS);
    const sent = reinvite(false, () => {
      refreshesLeft = 0;
      clearTimeout(refreshTimer);
    });
    if (sent) refreshesLeft--;
  };
  ua.on('connected', () => {
    if (closed) return;
    // A reconnect after a dropped WebSocket must not dial a second time.
    if (session) {
      clearTimeout(refreshTimer);
      refreshesLeft = REFRESH_TRIES;
      refreshUntil = Date.now() + REFRESH_WINDOW_MS;
      return refreshTarget();
    }
    try {
      session = ua.call(`sip:${gateway.accessCode}@${gateway.domain}`, {
        mediaStream: stream,
        mediaConstraints: { audio: true, video },
        pcConfig: { iceServers },
      });
    } catch (error) {
      return fail(`the gateway could not be called: ${(error as Error)?.message ?? error}`);
    }
    const terminate = session.terminate.bind(session);
    session.terminate = (options) => {
      const cause = options?.cause;
      const ours = reinviting && REINVITE_FAILED_CAUSES.includes(cause ?? '');
      if (closed || !talking || !(cause === ICE_FAILED_CAUSE || ours)) return terminate(options);
      if (ours) reinviting = false;
    };
    // Each gathering (the first, and each ICE restart's) is capped on its own.
    let capped: (() => void) | undefined;
    let iceCap: ReturnType<typeof setTimeout> | undefined;
    session.on('icecandidate', ({ ready }) => {
      if (capped === ready) return;
      capped = ready;
      iceCap = setTimeout(ready, ICE_GATHERING_CAP_MS);
    });
    const pc = session.connection;
    pc.addEventListener('track', ({ streams }) => streams[0] && options.onRemoteStream(streams[0]));
    pc.addEventListener('iceconnectionstatechange', () => onIceState(pc.iceConnectionState));
    session.on('confirmed', () => {
      clearTimeout(setupTimer);
      if (closed) return;
      talking = true;
      options.onActive();
      // A call-active listener may have hung up already.
      if (closed) return;
      stopQuality = watchQuality(pc, options.onQuality);
      // The path may have broken between the answer and the ACK.
      onIceState(pc.iceConnectionState);
    });
    // JsSIP ends the session itself when a re-INVITE is refused or a request cannot be sent: that is a failure,
    // not the agent hanging up.
    session.on('ended', ({ originator, cause }) => (String(originator) === 'remote' ? finish(options.onEnded) : fail(cause)));
    session.on('failed', ({ cause, message }) => {
      clearTimeout(iceCap);
      // JsSIP cancels the INVITE itself on a transport failure or when ICE fails, and says "Canceled"; only
      // close() cancels otherwise, and it is silent.
      const why = pc.iceConnectionState === 'failed' ? 'ICE failed' : cause === 'Canceled' ? 'Connection Error' : cause;
      fail(why, (message as { status_code?: number } | undefined)?.status_code);
    });
  });
  ua.start();
  return call;
}
