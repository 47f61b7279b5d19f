// The form and the survey use the element's colours, radius and font (its private --_ properties and the site's
// --ctc-* settings); its buttons are styled by the element's own rules.
const css = `
  .panel {
    max-width: 24rem;
    margin-top: 0.75rem;
  }
  .panel form {
    display: grid;
    gap: 0.25rem;
  }
  .panel p {
    margin: 0;
    font-size: 0.875em;
  }
  .panel .title {
    font-size: 1em;
    font-weight: 600;
  }
  .panel label {
    margin-top: 0.5rem;
    font-weight: 600;
  }
  .panel input[type='text'],
  .panel textarea {
    box-sizing: border-box;
    width: 100%;
    padding: 0.5rem 0.625rem;
    border: 1px solid currentColor;
    border-radius: calc(var(--ctc-radius, 1.4rem) / 3);
    background: transparent;
    color: inherit;
    font: inherit;
  }
  .panel textarea {
    resize: vertical;
  }
  .panel [aria-invalid='true'] {
    border-color: var(--_error);
    border-width: 2px;
  }
  .panel input:focus-visible,
  .panel textarea:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 1px;
  }
  .panel .count {
    justify-self: end;
    font-variant-numeric: tabular-nums;
  }
  .panel .problem,
  .panel .alert {
    color: var(--_error);
  }
  .panel fieldset {
    margin: 0;
    padding: 0;
    border: 0;
  }
  .panel .levels {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ctc-gap, 0.5rem);
    margin-top: 0.5rem;
  }
  .panel .level {
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    margin: 0;
    padding: 0.375rem 0.75rem;
    border: 1px solid currentColor;
    border-radius: var(--ctc-radius, 1.4rem);
    font-weight: 400;
    cursor: pointer;
  }
  .panel .level:has(:checked) {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
    font-weight: 600;
  }
  .panel .level input {
    margin: 0;
    accent-color: var(--_accent);
  }
  .panel .level:has(:focus-visible) {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  .panel .actions {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ctc-gap, 0.5rem);
    margin-top: 0.5rem;
  }
  /* Labelled even in the compact variant, whose icon-only buttons are round. */
  :host .panel .actions button {
    padding: 0 1.1rem;
  }
  .panel .hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .panel [part~='dismiss-button'] {
    border-color: currentColor;
    background: transparent;
    color: inherit;
  }
`;

/** Adopted by the element's shadow root when the panel first loads. */
export const panelStyles = new CSSStyleSheet();
panelStyles.replaceSync(css);
