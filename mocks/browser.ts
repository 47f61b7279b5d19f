import { setupWorker } from 'msw/browser';
import { scenarios, simulatedCec, type CallScript, type ScenarioName } from './handlers.js';

/**
 * MSW in the test page: the browser tests' simulated CEC. The demo and the Node tests serve the same handlers
 * from Node (vite.config.ts, mocks/serve.js).
 */
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
