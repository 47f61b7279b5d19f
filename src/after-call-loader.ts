import { html, nothing } from 'lit';
import type { AfterCall, AfterCallCore, AfterCallHost } from './after-call/after-call.js';
import type { AfterCallStrings } from './after-call/texts.js';
import { loadAfterCall } from './chunks.js';
import { CallErrorEvent } from './events.js';

/** The element's events the panel follows. */
const heard = ['call-request', 'no-agents', 'call-connected', 'call-active', 'call-ended', 'call-failed'];

/**
 * An element's way to its after-call panel (after-call/, a chunk of its own): loaded at the first call of an
 * element with `leave-message` or `survey` (or the first `leaveMessage()`), and handed the element's events in
 * the order they fired, so that none is lost while it loads.
 */
export class AfterCallLoader {
  #loading?: Promise<AfterCall>;
  #panel?: AfterCall;

  constructor(
    private readonly host: AfterCallHost,
    private readonly core: Omit<AfterCallCore, 'html' | 'nothing' | 'CallErrorEvent'>,
  ) {
    const hear = (event: Event) =>
      (this.#panel || host.offerMessage || host.survey) && this.panel().then((panel) => panel.heard(event), () => {});
    for (const type of heard) host.addEventListener(type, hear);
  }

  /** The panel, loaded once (a failed load is tried again next time). */
  panel(): Promise<AfterCall> {
    return (this.#loading ??= loadAfterCall().then(
      ({ AfterCall }) => (this.#panel = new AfterCall(this.host, { ...this.core, html, nothing, CallErrorEvent })),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    ));
  }

  /** Closes the panel, if open (`reset()`). */
  close(): void {
    this.#panel?.close();
  }

  /** The panel, once loaded and open. */
  render(overrides?: Partial<AfterCallStrings>) {
    return this.#panel?.render(overrides) ?? nothing;
  }
}
