import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    font: inherit;
  }
  :host([hidden]) {
    display: none;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ctc-gap, 0.5rem);
  }
  button {
    display: inline-flex;
    align-items: center;
    gap: 0.5em;
    min-width: 2.75rem;
    min-height: 2.75rem;
    padding: 0 1.1rem;
    border: 0;
    border-radius: var(--ctc-radius, 1.375rem);
    background: var(--ctc-accent, #0b5cad);
    color: var(--ctc-on-accent, #fff);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  button:hover {
    background: var(--ctc-accent-hover, #084a8c);
  }
  button:focus-visible {
    outline: 3px solid var(--ctc-focus-ring, #0b5cad);
    outline-offset: 2px;
  }
  button:disabled,
  button[aria-disabled='true'] {
    background: var(--ctc-accent-disabled, #5f6b7a);
    cursor: not-allowed;
  }
  button[aria-busy='true'] {
    cursor: progress;
  }
  svg {
    width: 1.25em;
    height: 1.25em;
    fill: currentColor;
  }
  .spinner {
    box-sizing: border-box;
    width: 1.1em;
    height: 1.1em;
    border: 2px solid currentColor;
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
  .status,
  .alert {
    margin: 0;
    font-size: 0.875em;
  }
  .status:not(:empty),
  .alert:not(:empty) {
    margin-top: 0.5rem;
  }
  .alert {
    color: var(--ctc-error, #b3261e);
  }
  @media (forced-colors: active) {
    button {
      border: 1px solid ButtonText;
    }
  }
`;
