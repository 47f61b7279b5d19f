import type { CallNotice, IndicatorView } from '../in-call-indicators.js';
import { MIC_SEGMENTS } from '../in-call-indicators.js';
import type { CallQuality } from './call-quality.js';

/** A level from here up (about -40 dBFS) is someone speaking, not a quiet room. */
export const SPEAKING_LEVEL = 0.4;
/** Speaking while muted: this many loud readings within the last two seconds (a cough is one or two). */
const LOUD_READINGS = 3;
const LOUD_WINDOW_MS = 2000;
/** How long "You are muted" stays, unless the visitor unmutes first. */
export const MUTED_HINT_MS = 5000;

/**
 * What the in-call indicators show, kept from what the call reports: the quality level and the weak-connection
 * line (once per call), reconnecting, the microphone's level (nothing while muted) and, once per call, "You are
 * muted" when the visitor speaks while muted. `changed` asks the element to render again.
 */
export class IndicatorState implements IndicatorView {
  level?: CallQuality['level'];
  micSegments = 0;
  #weak = false;
  #warned = false;
  #reconnecting = false;
  #mutedHint?: ReturnType<typeof setTimeout>;
  #hinted = false;
  /** When each recent loud reading came while muted. */
  #loud: number[] = [];

  constructor(private readonly changed: () => void) {}

  get notices(): CallNotice[] {
    const notices: CallNotice[] = [];
    if (this.#reconnecting) notices.push('reconnecting');
    if (this.#weak) notices.push('weak');
    if (this.#mutedHint) notices.push('muted');
    return notices;
  }

  quality(quality: CallQuality): void {
    this.level = quality.level;
    // Said while the first weak spell lasts; a later one is shown by the bars alone.
    this.#weak = quality.level === 'poor' && (this.#weak || !this.#warned);
    this.#warned ||= this.#weak;
    this.changed();
  }

  reconnecting(on: boolean): void {
    this.#reconnecting = on;
    this.changed();
  }

  /** A reading of the microphone (0–1), and whether the visitor has muted it. */
  micLevel(level: number, muted: boolean): void {
    const segments = muted ? 0 : Math.round(level * MIC_SEGMENTS);
    if (muted && !this.#hinted && level >= SPEAKING_LEVEL) this.#heardWhileMuted();
    if (segments === this.micSegments) return;
    this.micSegments = segments;
    this.changed();
  }

  /** The visitor unmuted: the hint has done its job, and loud readings so far count no more. */
  unmuted(): void {
    this.#loud = [];
    if (this.#mutedHint) this.#endHint();
  }

  /** The call is over: no timer outlives it. */
  dispose(): void {
    clearTimeout(this.#mutedHint);
  }

  #heardWhileMuted(): void {
    const now = performance.now();
    this.#loud = [...this.#loud.filter((at) => now - at < LOUD_WINDOW_MS), now];
    if (this.#loud.length < LOUD_READINGS) return;
    this.#hinted = true;
    this.#mutedHint = setTimeout(() => this.#endHint(), MUTED_HINT_MS);
    this.changed();
  }

  #endHint(): void {
    clearTimeout(this.#mutedHint);
    this.#mutedHint = undefined;
    this.changed();
  }
}
