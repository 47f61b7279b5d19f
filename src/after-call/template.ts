import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit';
import { COMMENT_MAX, MESSAGE_MAX } from '../transport/after-call-requests.js';
import type { AfterCall, Field } from './after-call.js';
import type { AfterCallStrings } from './texts.js';

/**
 * The leave-a-message form (part `message-form`) or the survey (part `survey`) of `panel`, in `text`. `html`
 * and `nothing` are the element's own Lit, lent by the core bundle. Each field's problem is tied to it by
 * `aria-describedby`; the panel's status line announces sending and thanks; Escape closes it.
 */
export function renderPanel(html: typeof litHtml, nothing: typeof litNothing, panel: AfterCall, text: AfterCallStrings): TemplateResult {
  const { kind, phase, values, problems } = panel;
  const sending = phase === 'sending';
  const problem = (field: Field) =>
    problems[field] ? html`<p id="${field}-problem" class="problem">${text[problems[field]!]}</p>` : nothing;
  const describedBy = (field: Field, ...others: string[]) => [...others, problems[field] ? `${field}-problem` : ''].join(' ').trim() || nothing;
  const onInput = (field: Field) => (event: Event) => panel.input(field, (event.target as HTMLInputElement).value);
  /** A labelled text area with its visible count of characters against `max`, and its problem. */
  const textArea = (field: 'message' | 'comment', rows: number, max: number, required: boolean) => html`
    <label for=${field}>${text[field]}</label>
    <textarea
      id=${field}
      name=${field}
      rows=${rows}
      maxlength=${max}
      ?required=${required}
      ?readonly=${sending}
      aria-invalid=${problems[field] ? 'true' : 'false'}
      aria-describedby=${describedBy(field, `${field}-count`)}
      .value=${values[field]}
      @input=${onInput(field)}
    ></textarea>
    <p id="${field}-count" class="count">${text.count.replace('{count}', String(values[field].length)).replace('{max}', String(max))}</p>
    ${problem(field)}
  `;
  const actions = html`
    <div class="actions">
      <button type="submit" part="button send-button" aria-busy=${sending ? 'true' : 'false'}>${sending ? text.sending : text.send}</button>
      <button type="button" part="button dismiss-button" ?disabled=${sending} @click=${() => panel.dismiss()}>
        ${kind === 'message' ? text.cancel : text.skip}
      </button>
    </div>
  `;
  const failed = phase === 'failed' ? html`<p class="alert" role="alert">${kind === 'message' ? text.messageFailed : text.surveyFailed}</p>` : nothing;
  const form =
    kind === 'message'
      ? html`
          <form novalidate aria-labelledby="panel-title" aria-describedby="panel-intro" @submit=${submit(panel)}>
            <p id="panel-title" class="title">${text.messageTitle}</p>
            <p id="panel-intro">${text.messageIntro}</p>
            <label for="caller">${text.caller}</label>
            <input
              id="caller"
              name="caller"
              type="text"
              dir="ltr"
              autocomplete="on"
              maxlength="128"
              required
              ?readonly=${sending}
              aria-invalid=${problems.caller ? 'true' : 'false'}
              aria-describedby=${describedBy('caller')}
              .value=${values.caller}
              @input=${onInput('caller')}
            />
            ${problem('caller')} ${textArea('message', 4, MESSAGE_MAX, true)} ${failed} ${actions}
          </form>
        `
      : html`
          <form novalidate @submit=${submit(panel)}>
            <fieldset aria-describedby=${describedBy('level')} ?disabled=${sending}>
              <legend class="title">${text.surveyTitle}</legend>
              <div class="levels">
                ${panel.levels.map(
                  ({ key, description }) => html`
                    <label class="level">
                      <input type="radio" name="level" value=${key} .checked=${values.level === key} @change=${onInput('level')} />
                      <span>${description || text[`level${key}` as keyof AfterCallStrings] || key}</span>
                    </label>
                  `,
                )}
              </div>
            </fieldset>
            ${problem('level')} ${textArea('comment', 2, COMMENT_MAX, false)} ${failed} ${actions}
          </form>
        `;
  // Thanks once sent (shown); else, for screen readers only, that the panel opened or what is wrong.
  const sent = phase === 'sent';
  const note = sent ? (kind === 'message' ? text.messageSent : text.surveySent) : panel.announcement ? text[panel.announcement] : '';
  return html`
    <div part=${kind === 'message' ? 'message-form' : 'survey'} class="panel" @keydown=${escape(panel)}>
      ${sent ? nothing : form}
      <p class=${sent ? 'note' : 'note hidden'} role="status">${note}</p>
    </div>
  `;
}

/** Escape closes the panel, and goes no further (a dialog around the element stays open). */
const escape = (panel: AfterCall) => (event: KeyboardEvent) => {
  if (event.key === 'Escape' && panel.dismiss()) event.stopPropagation();
};

const submit = (panel: AfterCall) => (event: Event) => {
  event.preventDefault();
  void panel.submit();
};
