import type { ReactiveControllerHost } from 'lit';
import type { CallNotice } from './call-view.js';
import type { CallSettings } from './settings.js';
import { transition, type CallInput, type CallMedia, type CallState } from './state.js';

/**
 * What the page and the view see of an element's call: its state (moved by the state machine only), the media
 * and the notice of the last attempt, and its events, each step logged with `debug`.
 */
export class CallStatus {
  state: CallState = 'idle';
  /** The media of the attempt or call in progress, or of the last one. */
  media?: CallMedia;
  /** Why the element is in `error` or `unavailable`. */
  notice?: CallNotice;
  /** Logs each state and event (`debug` attribute), as of the last attempt or preparation. */
  debug: CallSettings['debug'];

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly stateChanged: (state: CallState) => void,
  ) {}

  /** Moves to the state `input` leads to; `false`, and nothing changes, when the state machine refuses it. */
  apply(input: CallInput): boolean {
    const next = transition(this.state, input);
    if (next === undefined) return false;
    this.state = next;
    this.debug?.(`state ${next}`);
    this.stateChanged(next);
    this.host.requestUpdate();
    return true;
  }

  fire<E extends Event>(event: E): E {
    this.debug?.(`event ${event.type}`, (event as Event & { detail?: unknown }).detail);
    this.host.dispatchEvent(event);
    return event;
  }

  /** `input`, then `event`. */
  enter<E extends Event>(input: CallInput, event: E): E {
    this.apply(input);
    return this.fire(event);
  }
}
