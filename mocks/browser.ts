import { setupWorker } from 'msw/browser';
import { scenarios, simulatedCec, type CallScript, type ScenarioName } from './handlers.js';

/** MSW in the page: the demo and the tests run on the same simulated CEC. */
export const worker = setupWorker(...simulatedCec());

export function startWorker(): Promise<unknown> {
  return worker.start({
    serviceWorker: { url: '/mockServiceWorker.js' },
    quiet: true,
    onUnhandledRequest: 'bypass',
  });
}

/** Replaces every handler with a fresh simulated CEC playing `scenario` (a name or a script). */
export function useScenario(scenario: ScenarioName | CallScript): void {
  worker.resetHandlers(...simulatedCec(typeof scenario === 'string' ? scenarios[scenario].script : scenario));
}
