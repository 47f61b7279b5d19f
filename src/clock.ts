import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Re-renders its host once a second while `running()` holds: the elapsed time of a call. */
export class Clock implements ReactiveController {
  #timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly running: () => boolean,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (!this.running()) this.hostDisconnected();
    else this.#timer ??= setInterval(() => this.host.requestUpdate(), 1000);
  }

  hostDisconnected(): void {
    this.#timer = void clearInterval(this.#timer);
  }
}
