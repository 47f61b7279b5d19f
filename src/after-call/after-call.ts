import type { html, nothing, ReactiveController, ReactiveControllerHost, TemplateResult } from 'lit';
import type { CallErrorEvent } from '../events.js';
import type { CallMedia } from '../state.js';
import type { Language } from '../strings.js';
import { CALLER_MAX, MESSAGE_MAX, messageBody, ratingBody, readSurveyLevels, resultCodeOf, type SurveyLevel } from '../transport/after-call-requests.js';
import type { CecClient } from '../transport/cec-client.js';
import type { HttpAnswer } from '../transport/http.js';
import { MessageRequestEvent, MessageSentEvent, SurveySentEvent, type MessageRequestReason } from './events.js';
import { panelStyles } from './styles.js';
import { renderPanel } from './template.js';
import { afterCallTexts, type AfterCallStrings } from './texts.js';

/** What the element lends the panel from its core bundle: Lit's template tag (one copy of Lit), its error event, CEC. */
export interface AfterCallCore {
  readonly html: typeof html;
  readonly nothing: typeof nothing;
  readonly CallErrorEvent: typeof CallErrorEvent;
  /** CEC's API with the element's current settings; rejects with `CallFailure('config')` when they cannot work. */
  cec(): Promise<CecClient>;
  language(): Language;
  /** The media of the last call, else of the first button. */
  media(): CallMedia;
}

/** The element's settings the panel reads. */
export interface AfterCallHost extends ReactiveControllerHost, HTMLElement {
  offerMessage: boolean;
  survey: boolean;
  mediaEngine: string;
  channel: string;
}

/** A field the visitor fills in, and the text that says what is wrong with it. */
export type Field = 'caller' | 'message' | 'level' | 'comment';
type Problem = 'callerMissing' | 'callerInvalid' | 'messageMissing' | 'messageTooLong' | 'levelMissing';

/** The survey's languages in CEC's form (getsatisfactionsurveymode's `language`); German is not among them. */
const cecLanguages: Partial<Record<Language, string>> = { zh: 'zh_CN', en: 'en_US', pt: 'pt_BR', ar: 'ar_SA', fr: 'fr_FR', es: 'es_ES' };

const email = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const phone = /^\+?[\d(][\d\s().-]*$/;

/** What is wrong with a caller and a message, by field; nothing when they can be sent. */
export function messageProblems(caller: string, message: string): Partial<Record<Field, Problem>> {
  const contact = caller.trim();
  const digits = contact.replace(/\D/g, '').length;
  const valid = contact.length <= CALLER_MAX && (email.test(contact) || (phone.test(contact) && digits >= 5 && digits <= 20));
  return {
    ...(!contact ? { caller: 'callerMissing' } : !valid && { caller: 'callerInvalid' }),
    ...(!message.trim() ? { message: 'messageMissing' } : message.length > MESSAGE_MAX && { message: 'messageTooLong' }),
  };
}

/**
 * What happens around a call: the leave-a-message form when no agent could take it (`leave-message`), and the
 * satisfaction survey when a call the visitor talked in ends (`survey`, if CEC's survey mode is `WEB`). Hears
 * the element's own events; sends doLeaveMessage, getsatisfactionsurveymode and saveSatisfaction; fires
 * `message-request`, `message-sent`, `survey-sent` and `call-error` (`message-failed`, `survey-failed`).
 * Loaded with the first call of an element that offers either (chunks.ts).
 */
export class AfterCall implements ReactiveController {
  /** The panel shown, if any. */
  kind?: 'message' | 'survey';
  phase: 'form' | 'sending' | 'sent' | 'failed' = 'form';
  readonly values: Record<Field, string> = { caller: '', message: '', level: '', comment: '' };
  problems: Partial<Record<Field, Problem>> = {};
  levels: readonly SurveyLevel[] = [];
  /** What the panel's status line tells a screen reader: that the panel opened, or the first problem found. */
  announcement?: keyof AfterCallStrings;
  /** Whether the last call got as far as talking (or, `media-engine="none"`, connected): a survey follows it. */
  #talked = false;
  /** Aborted when the element leaves the document: nothing is sent after that. */
  #connection = new AbortController();
  /** The survey-mode query of the call that just ended: a new call cancels it. */
  #surveyQuery?: AbortController;

  constructor(
    private readonly host: AfterCallHost,
    private readonly core: AfterCallCore,
  ) {
    host.addController(this);
    const root = host.shadowRoot;
    if (root && !root.adoptedStyleSheets.includes(panelStyles)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, panelStyles];
  }

  hostConnected(): void {
    this.#connection = new AbortController();
  }

  hostDisconnected(): void {
    this.#connection.abort();
    this.#surveyQuery?.abort();
    this.kind = undefined;
  }

  /** One of the element's own events, in the order it fired. */
  heard(event: Event): void {
    const { type, detail } = event as CustomEvent<{ reason?: string }>;
    if (type === 'call-request') {
      this.#talked = false;
      this.close();
    } else if (type === 'call-active' || (type === 'call-connected' && this.host.mediaEngine === 'none')) {
      this.#talked = true;
    } else if (this.#talked && (type === 'call-ended' || type === 'call-failed')) {
      this.#talked = false;
      if (this.host.survey) void this.#askSurvey();
    } else if (type === 'no-agents' || (type === 'call-failed' && (detail.reason === 'queue-timeout' || detail.reason === 'failed'))) {
      if (this.host.offerMessage) this.#offerMessage(type === 'no-agents' ? type : (detail.reason as MessageRequestReason));
    }
  }

  /**
   * Sends the visitor's message with doLeaveMessage, and fires `message-sent` or `call-error` {reason:
   * 'message-failed'} (also for a caller or message that cannot be sent). `null` when the element left the page.
   */
  async leaveMessage(caller: string, message: string): Promise<MessageSentEvent | CallErrorEvent | null> {
    const problems = messageProblems(caller, message);
    const media = this.core.media();
    if (Object.keys(problems).length) {
      const wrong = Object.keys(problems).join(' and ');
      return this.#fire(new this.core.CallErrorEvent({ media, reason: 'message-failed', message: `the ${wrong} cannot be sent` }));
    }
    const answer = await this.#send('doLeaveMessage', (token) => messageBody(token, caller.trim(), message));
    if (answer === null) return null;
    if (typeof answer !== 'string' && resultCodeOf(answer) === '0') return this.#fire(new MessageSentEvent({ media, caller: caller.trim() }));
    return this.#fire(new this.core.CallErrorEvent({ media, reason: 'message-failed', ...failure('the message', answer) }));
  }

  /** The visitor changed a field (not while it is being sent). */
  input(field: Field, value: string): void {
    if (this.phase === 'sending') return;
    this.values[field] = value;
    if (this.problems[field]) this.problems = { ...this.problems, [field]: undefined };
    this.host.requestUpdate();
  }

  /** The form's Send: checks the fields (focus goes to the first wrong one), then sends; twice is once. */
  async submit(): Promise<void> {
    if (this.phase === 'sending') return;
    const { caller, message, level, comment } = this.values;
    this.problems = this.kind === 'message' ? messageProblems(caller, message) : level ? {} : { level: 'levelMissing' };
    const wrong = Object.keys(this.problems).find((field) => this.problems[field as Field]);
    // Focus may be on the wrong field already (Enter in it): the status line says what is wrong too.
    this.announcement = this.problems[wrong as Field];
    if (wrong) {
      this.host.requestUpdate();
      return this.#focusAfterUpdate(`[name="${wrong}"]`);
    }
    this.phase = 'sending';
    this.host.requestUpdate();
    const panel = this.kind;
    const done = panel === 'message' ? await this.leaveMessage(caller, message) : await this.#rate(level, comment.trim());
    // Closed meanwhile (a new call, reset()): its event fired; the panel has nothing more to show.
    if (!done || this.kind !== panel) return;
    this.phase = done instanceof this.core.CallErrorEvent ? 'failed' : 'sent';
    if (this.phase === 'sent') {
      this.values.message = this.values.level = this.values.comment = '';
      // The Send button goes with the form: focus returns to the call buttons, if it was in the panel.
      if (this.#focusInPanel()) this.#focusAfterUpdate();
    }
    this.host.requestUpdate();
  }

  /** Cancel (or No thanks, or Escape): the panel closes, and focus returns to the call buttons; not while sending. */
  dismiss(): boolean {
    if (this.phase === 'sending') return false;
    this.close(true);
    return true;
  }

  /** Closes the panel (a new call, `reset()`); a survey still being asked for is not shown. */
  close(refocus = false): void {
    this.#surveyQuery?.abort();
    this.kind = undefined;
    this.host.requestUpdate();
    if (refocus) this.#focusAfterUpdate();
  }

  /** The panel in the element's language, `overrides` (the element's `strings`) first. */
  render(overrides?: Partial<AfterCallStrings>): TemplateResult | typeof nothing {
    return this.kind ? renderPanel(this.core.html, this.core.nothing, this, { ...afterCallTexts[this.core.language()], ...overrides }) : this.core.nothing;
  }

  #offerMessage(reason: MessageRequestReason): void {
    if (this.#fire(new MessageRequestEvent({ media: this.core.media(), reason })).defaultPrevented) return;
    this.#open('message');
  }

  async #askSurvey(): Promise<void> {
    const query = (this.#surveyQuery = new AbortController());
    const language = cecLanguages[this.core.language()];
    const answer = await this.#send('getsatisfactionsurveymode', () => (language ? { language } : {}), query.signal);
    const levels = answer && typeof answer !== 'string' ? readSurveyLevels(answer) : undefined;
    if (!levels || query.signal.aborted) return;
    this.levels = levels;
    this.#open('survey');
  }

  async #rate(level: string, comment: string): Promise<SurveySentEvent | CallErrorEvent | null> {
    const answer = await this.#send('saveSatisfaction', (token) => ratingBody(token, this.host.channel, level, comment));
    if (answer === null) return null;
    if (typeof answer !== 'string' && resultCodeOf(answer) === '0') return this.#fire(new SurveySentEvent({ level, comment }));
    return this.#fire(new this.core.CallErrorEvent({ media: this.core.media(), reason: 'survey-failed', ...failure('the rating', answer) }));
  }

  /**
   * `operation` with the body `bodyFor` makes from the visitor's token: CEC's answer, a sentence saying why there
   * is none, or `null` when `signal` (by default: the element's removal) cancelled it.
   */
  async #send(
    operation: 'doLeaveMessage' | 'getsatisfactionsurveymode' | 'saveSatisfaction',
    bodyFor: (token: string) => Record<string, unknown>,
    signal = this.#connection.signal,
  ): Promise<HttpAnswer | string | null> {
    try {
      const cec = await this.core.cec();
      const { token } = await cec.tokens!.get(signal);
      return await cec.send(operation, bodyFor(token), signal);
    } catch (error) {
      return signal.aborted ? null : (error as Error).message || `${operation} failed`;
    }
  }

  #open(kind: 'message' | 'survey'): void {
    const active = document.activeElement;
    // Focus moves in only when the visitor was at the element (or nowhere), not from another part of the page.
    const focus = !active || active === document.body || active === this.host;
    this.kind = kind;
    this.phase = 'form';
    this.problems = {};
    this.announcement = kind === 'message' ? 'messageIntro' : 'surveyTitle';
    // A survey is about the call that just ended: nothing chosen for an earlier one carries over.
    if (kind === 'survey') this.values.level = this.values.comment = '';
    this.host.requestUpdate();
    if (focus) this.#focusAfterUpdate(kind === 'message' ? '[name="caller"]' : '[name="level"]');
  }

  /** Whether focus is in the panel, or nowhere (it was on a control that went away). */
  #focusInPanel(): boolean {
    const active = this.host.shadowRoot!.activeElement;
    return active ? Boolean(active.closest('.panel')) : document.activeElement === document.body;
  }

  /**
   * After the next render: focus on `selector` in the panel, else on the call button of the last call's media
   * (the first button, or the custom trigger, when there is none).
   */
  #focusAfterUpdate(selector?: string): void {
    void this.host.updateComplete.then(() => {
      const root = this.host.shadowRoot!;
      const target = selector
        ? root.querySelector<HTMLElement>(`.panel ${selector}`)
        : (root.querySelector<HTMLElement>(`[part~="${this.core.media()}-button"]`) ?? root.querySelector<HTMLElement>('[part~="buttons"] button'));
      (target ?? this.host.querySelector<HTMLElement>('[slot="trigger"]'))?.focus();
    });
  }

  #fire<E extends Event>(event: E): E {
    this.host.dispatchEvent(event);
    return event;
  }
}

/** A `call-error` detail for what CEC (or the network) answered instead of saving `what`. */
function failure(what: string, answer: HttpAnswer | string) {
  if (typeof answer === 'string') return { message: `${what} was not sent: ${answer}` };
  const resultCode = resultCodeOf(answer);
  const status = answer.status;
  if (resultCode === undefined) return { message: `CEC answered HTTP ${status} to ${what}`, status };
  return { message: `CEC did not save ${what}: resultCode ${resultCode}`, status, resultCode };
}
