import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import type { ClickToCall } from '../src/click-to-call.element.js';
import type { Outcome } from '../src/state.js';
import { interpretCreateAnswer } from '../src/transport/cec-answers.js';
import { CREATE_PATH, TOKEN_ENDPOINT } from './helpers.js';
import { worker } from './support/msw.js';
import '../src/define.js';

const status = fc.integer({ min: 200, max: 599 });

/** Bodies a server might send: random text, random JSON, and CEC-like objects with odd fields. */
const body = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record(
      {
        resultCode: fc.oneof(fc.constantFrom('0', '13', '1', 0, 13, ' 0', ''), fc.jsonValue()),
        resultDesc: fc.jsonValue(),
        'resultDesc:': fc.jsonValue(),
        errorCode: fc.string(),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);

/** The outcome is exactly one row of the README's table, consistent with what was answered. */
function expectTableRow(outcome: Outcome, answeredStatus: number) {
  if (answeredStatus === 401 || answeredStatus === 403) {
    expect(outcome).to.include({ type: 'error', reason: 'auth', status: answeredStatus });
  } else if (answeredStatus > 299) {
    expect(outcome).to.include({ type: 'error', reason: 'http', status: answeredStatus });
  } else if (outcome.type === 'error') {
    expect(['rejected', 'protocol']).to.include(outcome.reason);
    if (outcome.reason === 'rejected') expect(['0', '13']).to.not.include(outcome.resultCode);
  } else {
    expect(outcome.resultCode).to.equal(outcome.type === 'started' ? '0' : '13');
    expect(outcome.resultDesc).to.be.a('string');
  }
}

/** Statuses whose responses may not have a body. */
const nullBodyStatuses = new Set([204, 205, 304]);

describe('createClickToCall answers (property-based)', () => {
  it('maps every status and body to one row of the outcome table, without throwing', () => {
    fc.assert(
      fc.property(status, body, (answeredStatus, answeredBody) => {
        expectTableRow(interpretCreateAnswer({ status: answeredStatus, body: answeredBody, headers: new Headers() }), answeredStatus);
      }),
      { numRuns: 2000 },
    );
  });

  // 40 elements, each through MSW's service worker: WebKit's MiniBrowser needs well over 30 s for them.
  it('makes the element fire exactly one matching event and settle, whatever the server sends', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent) => unhandled.push(event.reason);
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      await fc.assert(
        fc.asyncProperty(status, body, async (answeredStatus, answeredBody) => {
          worker.use(
            http.post(CREATE_PATH, () =>
              nullBodyStatuses.has(answeredStatus)
                ? new HttpResponse(null, { status: answeredStatus })
                : new HttpResponse(answeredBody, { status: answeredStatus }),
            ),
          );
          const el = await fixture<ClickToCall>(html`<click-to-call media-engine="none" token-endpoint=${TOKEN_ENDPOINT}></click-to-call>`);
          const heard: Event[] = [];
          for (const type of ['call-started', 'no-agents', 'call-error']) el.addEventListener(type, (e) => heard.push(e));
          const result = await el.start('voice');
          await aTimeout(0);
          expect(heard).to.have.length(1);
          expect(result).to.equal(heard[0]);
          const expectedState = { 'call-started': 'started', 'no-agents': 'no-agents', 'call-error': 'error' }[
            heard[0].type
          ];
          expect(el.getAttribute('state')).to.equal(expectedState);
          el.remove();
        }),
        { numRuns: 40 },
      );
      expect(unhandled).to.be.empty;
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
  }).timeout(90000);
});
