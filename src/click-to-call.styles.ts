import { css } from 'lit';

// Colours go through private --_ properties, so that the dark theme can change the defaults while a site's
// --ctc-* settings still win. Buttons have a transparent border: forced-colors (high contrast) mode outlines it.
// The dark palette follows the page, not the OS: light-dark() picks by the element's used color-scheme, which is
// dark only where the page opts in (`color-scheme: dark` or `light dark`) or theme="dark" says so. A light page
// on a dark-mode OS keeps the light palette (its error text stays readable on white). Browsers without
// light-dark() keep the light one too.
const dark = css`
  --_accent: var(--ctc-accent, #9ccaff);
  --_on-accent: var(--ctc-on-accent, #002f55);
  --_hang-up: var(--ctc-hang-up, #ffb4ab);
  --_inactive: var(--ctc-accent-disabled, #8b96a3);
  --_focus: var(--ctc-focus-ring, #9ccaff);
  --_error: var(--ctc-error, #ffb4ab);
`;

export const styles = css`
  :host {
    display: inline-block;
    font-family: var(--ctc-font, inherit);
    --_accent: var(--ctc-accent, #0b5cad);
    --_on-accent: var(--ctc-on-accent, #fff);
    --_hang-up: var(--ctc-hang-up, #b3261e);
    --_inactive: var(--ctc-accent-disabled, #5f6b7a);
    --_focus: var(--ctc-focus-ring, #0b5cad);
    --_error: var(--ctc-error, #b3261e);
  }
  @supports (color: light-dark(#000, #fff)) {
    :host {
      --_accent: var(--ctc-accent, light-dark(#0b5cad, #9ccaff));
      --_on-accent: var(--ctc-on-accent, light-dark(#fff, #002f55));
      --_hang-up: var(--ctc-hang-up, light-dark(#b3261e, #ffb4ab));
      --_inactive: var(--ctc-accent-disabled, light-dark(#5f6b7a, #8b96a3));
      --_focus: var(--ctc-focus-ring, light-dark(#0b5cad, #9ccaff));
      --_error: var(--ctc-error, light-dark(#b3261e, #ffb4ab));
    }
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
    ${dark}
  }
  :host([hidden]) {
    display: none;
  }
  [part='buttons'] {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ctc-gap, 0.5rem);
  }
  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    min-width: var(--ctc-button-size, 2.75rem);
    min-height: var(--ctc-button-size, 2.75rem);
    padding: 0 1.1rem;
    border: 1px solid transparent;
    border-radius: var(--ctc-radius, 1.4rem);
    background: var(--_accent);
    color: var(--_on-accent);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  button:hover {
    filter: brightness(0.85);
  }
  [part~='hang-up-button'] {
    background: var(--_hang-up);
  }
  button:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }
  button:disabled,
  [aria-disabled='true'],
  [aria-pressed='true'] {
    background: var(--_inactive);
    filter: none;
  }
  button:disabled,
  [aria-disabled='true'] {
    cursor: not-allowed;
  }
  :host([variant='compact']) button {
    padding: 0;
  }
  :host([variant='compact']) .label {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  [part='timer'] {
    align-self: center;
    font-variant-numeric: tabular-nums;
  }
  /* The preview sits inside the agent's picture: both bounded by the box, not the picture alone. */
  [part='videos'] {
    position: relative;
    max-width: 24rem;
    margin-bottom: 0.5rem;
  }
  video {
    display: block;
    width: 100%;
    background: #000;
  }
  [part='local-video'] {
    position: absolute;
    inset-inline-end: 0.5rem;
    bottom: 0.5rem;
    width: 30%;
    /* A mirror, as people expect to see themselves. */
    transform: scaleX(-1);
  }
  svg {
    width: 1.25em;
    fill: currentColor;
  }
  .spinner {
    width: 1em;
    height: 1em;
    border: 2px solid;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
  p:not(:empty) {
    margin: 0.5rem 0 0;
    font-size: 0.875em;
  }
  .alert {
    color: var(--_error);
  }
`;
