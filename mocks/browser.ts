import { setupWorker } from 'msw/browser';
import { scenarios, type ScenarioName } from './handlers.js';

/** MSW in the page: the demo and the tests run on the same simulated CEC. */
export const worker = setupWorker(...scenarios['agents-available'].handlers());

export function startWorker(): Promise<unknown> {
  return worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    quiet: true,
    onUnhandledRequest: 'bypass',
  });
}

/** Replaces every handler with a fresh copy of `name`'s. */
export function useScenario(name: ScenarioName): void {
  worker.resetHandlers(...scenarios[name].handlers());
}
