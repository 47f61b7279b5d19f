import { css } from 'lit';

// Buttons have a transparent border so that forced-colors (high contrast) mode outlines them.

export const styles = css`
  :host {
    display: inline-block;
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
    gap: 0.5em;
    min-height: 2.75rem;
    padding: 0 1.1rem;
    border: 1px solid transparent;
    border-radius: var(--ctc-radius, 1.4rem);
    background: var(--ctc-accent, #0b5cad);
    color: var(--ctc-on-accent, #fff);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  button:hover {
    filter: brightness(0.85);
  }
  [part~='hangup-button'] {
    background: var(--ctc-hangup, #b3261e);
  }
  button:focus-visible {
    outline: 3px solid var(--ctc-focus-ring, #0b5cad);
    outline-offset: 2px;
  }
  button:disabled,
  [aria-disabled='true'] {
    background: var(--ctc-accent-disabled, #5f6b7a);
    filter: none;
    cursor: not-allowed;
  }
  [aria-pressed='true'] {
    background: var(--ctc-accent-disabled, #5f6b7a);
  }
  [part='timer'] {
    align-self: center;
    font-variant-numeric: tabular-nums;
  }
  [part='videos'] {
    position: relative;
    margin-bottom: 0.5rem;
  }
  video {
    display: block;
    width: 100%;
    max-width: 24rem;
    background: #000;
  }
  [part='local-video'] {
    position: absolute;
    right: 0.5rem;
    bottom: 0.5rem;
    width: 30%;
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
    color: var(--ctc-error, #b3261e);
  }
`;
