import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import { API_BASE, type CallScript } from '../mocks/handlers.js';
import { afterCallTexts } from '../src/after-call/texts.js';
import type { ClickToCall } from '../src/click-to-call.element.js';
import { CallErrorEvent } from '../src/events.js';
import { languages } from '../src/strings.js';
import { button, TOKEN_ENDPOINT } from './helpers.js';
import { requests, settled, useScenario, worker } from './support/msw.js';

const LEAVE_MESSAGE = `${API_BASE}/doLeaveMessage`;
const SURVEY_MODE = `${API_BASE}/getsatisfactionsurveymode`;
const SAVE_SATISFACTION = `${API_BASE}/saveSatisfaction`;
const en = afterCallTexts.en;

/** An element offering both, on the simulated CEC playing `script`; the media leg is the page's (`none`). */
async function element(script: CallScript, attributes = 'leave-message survey'): Promise<ClickToCall> {
  useScenario(script);
  const el = await fixture<ClickToCall>(html`<click-to-call token-endpoint=${TOKEN_ENDPOINT} media-engine="none" poll-interval="10"></click-to-call>`);
  for (const name of attributes.split(' ').filter(Boolean)) el.setAttribute(name, '');
  await el.updateComplete;
  return el;
}

const shadow = (el: ClickToCall) => el.shadowRoot!;
const panel = (el: ClickToCall) => shadow(el).querySelector<HTMLElement>('.panel');
const field = (el: ClickToCall, name: string) => shadow(el).querySelector<HTMLInputElement | HTMLTextAreaElement>(`.panel [name="${name}"]`)!;
const panelButton = (el: ClickToCall, part: 'send-button' | 'dismiss-button') => shadow(el).querySelector<HTMLButtonElement>(`.panel [part~="${part}"]`)!;
const note = (el: ClickToCall) => shadow(el).querySelector('.panel [role="status"]')!.textContent!.trim();
const problemOf = (el: ClickToCall, name: string) => {
  const ids = field(el, name).getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => shadow(el).getElementById(id)?.textContent?.trim()).filter((text) => text && !/characters$/.test(text));
};

/** Clicks the voice button and waits for the panel of `part` to show. */
async function callUntilPanel(el: ClickToCall, part: 'message-form' | 'survey', media: 'voice' | 'video' = 'voice') {
  button(el, media).focus();
  button(el, media).click();
  // The call request closes a panel still open from before: let it, then wait for the new one.
  await aTimeout(0);
  await el.updateComplete;
  await waitUntil(() => panel(el)?.part.contains(part), `the ${part} shows`, { timeout: 8000 });
  await el.updateComplete;
}

async function type(el: ClickToCall, name: string, value: string) {
  const input = field(el, name);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await el.updateComplete;
}

const bodies = async (path: string) => {
  await settled();
  return Promise.all(requests(path).map(async (request) => JSON.parse(await request.body) as Record<string, unknown>));
};

describe('leave a message (leave-message)', () => {
  it('is offered after no-agents: message-request fires, focus moves into the contact field', async () => {
    const el = await element({ create: 'no-agents' });
    const requested = oneEvent(el, 'message-request');
    await callUntilPanel(el, 'message-form');
    expect((await requested).detail).to.deep.equal({ media: 'voice', reason: 'no-agents' });
    expect(el.state).to.equal('no-agents');
    expect(shadow(el).activeElement).to.equal(field(el, 'caller'));
    expect(panel(el)!.textContent).to.include(en.messageTitle);
    // The visitor can still call again.
    expect(button(el, 'voice').disabled).to.be.false;
    await expect(el).to.be.accessible();
  });

  for (const [afterQueue, reason] of [
    ['queue-timeout', 'queue-timeout'],
    ['fail', 'failed'],
  ] as const) {
    it(`is offered after call-failed {reason: '${reason}'}`, async () => {
      const el = await element({ queueMs: 20, afterQueue });
      const requested = oneEvent(el, 'message-request');
      await callUntilPanel(el, 'message-form');
      expect((await requested).detail).to.deep.equal({ media: 'voice', reason });
    });
  }

  it('is not offered without leave-message, nor after other outcomes, nor when the call just ended', async () => {
    for (const [script, attributes] of [
      [{ create: 'no-agents' }, 'survey'],
      [{ create: 'server-error' }, 'leave-message'],
      [{ queueMs: 10, talkMs: 10 }, 'leave-message'],
    ] as const) {
      const el = await element(script, attributes);
      await el.start('voice');
      await waitUntil(() => el.state !== 'started' && el.state !== 'queued' && el.state !== 'connected', 'an outcome');
      await aTimeout(100);
      expect(panel(el), `${JSON.stringify(script)} with ${attributes}`).to.equal(null);
    }
  });

  it('is not shown when the site cancels message-request (its own contact form opens instead)', async () => {
    const el = await element({ create: 'no-agents' });
    el.addEventListener('message-request', (event) => event.preventDefault());
    await el.start('voice');
    await aTimeout(150);
    expect(panel(el)).to.equal(null);
  });

  it('checks both fields before sending anything: each problem tied to its field, focus on the first', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    panelButton(el, 'send-button').click();
    await el.updateComplete;
    expect(problemOf(el, 'caller')).to.deep.equal([en.callerMissing]);
    expect(problemOf(el, 'message')).to.deep.equal([en.messageMissing]);
    expect(field(el, 'caller').getAttribute('aria-invalid')).to.equal('true');
    await waitUntil(() => shadow(el).activeElement === field(el, 'caller'), 'focus on the contact field');
    await expect(el).to.be.accessible();

    for (const contact of ['abc', '12', 'me@', '@example.com', '.....1234567', 'x'.repeat(130) + '@e.com']) {
      await type(el, 'caller', contact);
      panelButton(el, 'send-button').click();
      await el.updateComplete;
      expect(problemOf(el, 'caller'), contact).to.deep.equal([en.callerInvalid]);
    }
    await type(el, 'caller', '+49 (30) 1234-5678');
    panelButton(el, 'send-button').click();
    await el.updateComplete;
    expect(problemOf(el, 'caller')).to.deep.equal([]);
    await waitUntil(() => shadow(el).activeElement === field(el, 'message'), 'focus on the message');
    expect(await bodies(LEAVE_MESSAGE)).to.have.length(0);
  });

  it('counts the characters of the message against CEC’s limit (500)', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    expect(field(el, 'message').maxLength).to.equal(500);
    const count = () => shadow(el).getElementById('message-count')!.textContent!.trim();
    expect(count()).to.equal('0 of 500 characters');
    await type(el, 'message', 'Call me back');
    expect(count()).to.equal('12 of 500 characters');
    expect(field(el, 'message').getAttribute('aria-describedby')).to.include('message-count');
  });

  it('sends doLeaveMessage with the visitor’s id as callId, fires message-sent, thanks the visitor and gives focus back', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form', 'video');
    await type(el, 'caller', '  visitor@example.com ');
    await type(el, 'message', 'Please call me back about my order.\nThanks!');
    const sent = oneEvent(el, 'message-sent');
    panelButton(el, 'send-button').click();
    expect((await sent).detail).to.deep.equal({ media: 'video', caller: 'visitor@example.com' });
    expect(await bodies(LEAVE_MESSAGE)).to.deep.equal([
      // callId: the userId inside the visitor's ccmessaging-token (the simulated site's visitor is "visitor").
      { channel: 'WEB', callId: 'visitor', caller: 'visitor@example.com', leaveMessage: 'Please call me back about my order.\nThanks!' },
    ]);
    const [request] = requests(LEAVE_MESSAGE);
    expect(request.method).to.equal('POST');
    expect(request.headers.get('ccmessaging-token')).to.be.a('string').and.not.equal('');
    await el.updateComplete;
    expect(shadow(el).querySelector('.panel form')).to.equal(null);
    expect(note(el)).to.equal(en.messageSent);
    await waitUntil(() => shadow(el).activeElement === button(el, 'video'), 'focus back on the button of the call tried');
    await expect(el).to.be.accessible();
  });

  for (const [answer, resultCode, status] of [
    ['2', '2', 200],
    ['3', '3', 200],
    ['13', '13', 200],
    ['server-error', undefined, 500],
  ] as const) {
    it(`keeps what the visitor typed when CEC answers ${status === 500 ? 'HTTP 500' : `resultCode "${resultCode}"`}: call-error {reason: 'message-failed'}`, async () => {
      const el = await element({ create: 'no-agents', leaveMessage: answer });
      await callUntilPanel(el, 'message-form');
      await type(el, 'caller', '+33 1 23 45 67 89');
      await type(el, 'message', 'Rappelez-moi');
      const failed = oneEvent(el, 'call-error');
      panelButton(el, 'send-button').click();
      const { detail } = await failed;
      expect(detail).to.include({ media: 'voice', reason: 'message-failed', status });
      expect(detail.resultCode).to.equal(resultCode);
      expect(detail.message).to.be.a('string').and.not.equal('');
      await waitUntil(() => shadow(el).querySelector('.panel [role="alert"]'), 'the failure is said');
      expect(field(el, 'caller').value).to.equal('+33 1 23 45 67 89');
      expect(field(el, 'message').value).to.equal('Rappelez-moi');
      expect(shadow(el).querySelector('.panel [role="alert"]')!.textContent!.trim()).to.equal(en.messageFailed);
      expect(el.state).to.equal('no-agents');
      await expect(el).to.be.accessible();
    });
  }

  it('keeps the text through a network failure, and sends it on the next try', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    await type(el, 'caller', 'me@example.org');
    await type(el, 'message', 'Hello');
    worker.use(http.post(LEAVE_MESSAGE, () => HttpResponse.error(), { once: true }));
    const failed = oneEvent(el, 'call-error');
    panelButton(el, 'send-button').click();
    expect((await failed).detail).to.include({ reason: 'message-failed' });
    await el.updateComplete;
    const sent = oneEvent(el, 'message-sent');
    panelButton(el, 'send-button').click();
    expect((await sent).detail.caller).to.equal('me@example.org');
  });

  it('sends once however often Send is pressed while sending', async () => {
    const el = await element({ create: 'no-agents', slowMs: 0 });
    await callUntilPanel(el, 'message-form');
    await type(el, 'caller', '0123456789');
    await type(el, 'message', 'Once');
    worker.use(http.post(LEAVE_MESSAGE, async () => (await aTimeout(200), HttpResponse.json({ resultCode: '0' }))));
    const sent = oneEvent(el, 'message-sent');
    for (let i = 0; i < 3; i++) panelButton(el, 'send-button').click();
    await el.updateComplete;
    expect(panelButton(el, 'send-button').getAttribute('aria-busy')).to.equal('true');
    expect(panelButton(el, 'send-button').textContent!.trim()).to.equal(en.sending);
    await sent;
    expect(await bodies(LEAVE_MESSAGE)).to.have.length(1);
  });

  it('closes on Cancel or Escape, focus back on the call button, and a new call closes it too', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    panelButton(el, 'dismiss-button').click();
    await el.updateComplete;
    expect(panel(el)).to.equal(null);
    await waitUntil(() => shadow(el).activeElement === button(el, 'voice'), 'focus back');

    await callUntilPanel(el, 'message-form');
    field(el, 'caller').focus();
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(panel(el)).to.equal(null);

    await callUntilPanel(el, 'message-form');
    useScenario({ queueMs: 60_000 });
    await el.start('voice');
    await el.updateComplete;
    expect(panel(el)).to.equal(null);
    el.reset();
  });

  it('closes on reset(), as everything else returns to idle', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    el.reset();
    await el.updateComplete;
    expect(panel(el)).to.equal(null);
    expect(el.state).to.equal('idle');
  });

  it('says in its status line that it opened, and what is wrong after Send, for a screen reader', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    const status = shadow(el).querySelector('.panel [role="status"]')!;
    expect(status.textContent!.trim()).to.equal(en.messageIntro);
    // Enter in the empty contact field: focus stays there, so the status line says what is wrong.
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(status.textContent!.trim()).to.equal(en.callerMissing);
    expect(field(el, 'caller').getAttribute('dir')).to.equal('ltr');
  });

  it('cannot be cancelled, nor its fields changed, while sending; a send that ends after a new call moves no focus', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form', 'video');
    await type(el, 'caller', '0123456789');
    await type(el, 'message', 'Hello');
    worker.use(http.post(LEAVE_MESSAGE, async () => (await aTimeout(300), HttpResponse.json({ resultCode: '0' }))));
    panelButton(el, 'send-button').focus();
    panelButton(el, 'send-button').click();
    await el.updateComplete;
    expect(panelButton(el, 'dismiss-button').disabled).to.be.true;
    expect(field(el, 'message').readOnly).to.be.true;
    const heardEscape: Event[] = [];
    document.addEventListener('keydown', (event) => heardEscape.push(event), { once: true });
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(panel(el)).to.not.equal(null);
    expect(heardEscape).to.have.length(1, 'an Escape the panel did not act on goes on to the page');
    await oneEvent(el, 'message-sent');
    await waitUntil(() => note(el) === en.messageSent, 'thanks');
    await waitUntil(() => shadow(el).activeElement === button(el, 'video'), 'focus on the button of the call that was tried');

    // Escape the panel acts on stops there (a dialog around the element stays open).
    await callUntilPanel(el, 'message-form');
    const pageHeard: Event[] = [];
    const listener = (event: Event) => pageHeard.push(event);
    document.addEventListener('keydown', listener);
    field(el, 'caller').focus();
    await sendKeys({ press: 'Escape' });
    document.removeEventListener('keydown', listener);
    expect(panel(el)).to.equal(null);
    expect(pageHeard).to.have.length(0);

    // A slow send, then a new call: the message still goes, and focus stays with the call.
    await callUntilPanel(el, 'message-form');
    await type(el, 'caller', '0123456789');
    await type(el, 'message', 'Hello again');
    panelButton(el, 'send-button').click();
    useScenario({ queueMs: 60_000 });
    worker.use(http.post(LEAVE_MESSAGE, async () => (await aTimeout(300), HttpResponse.json({ resultCode: '0' }))));
    const sent = oneEvent(el, 'message-sent');
    await el.start('voice');
    shadow(el).querySelector<HTMLButtonElement>('[part~="hang-up-button"]')!.focus();
    await sent;
    await aTimeout(50);
    expect(panel(el)).to.equal(null);
    expect(shadow(el).activeElement).to.equal(shadow(el).querySelector('[part~="hang-up-button"]'));
    el.reset();
  });

  it('works from the keyboard alone', async () => {
    const el = await element({ create: 'no-agents' });
    await callUntilPanel(el, 'message-form');
    // No character twice: WebKit's WebDriver drops some repeated keys.
    await sendKeys({ type: '+12345678' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Ring me' });
    await sendKeys({ press: 'Tab' });
    const sent = oneEvent(el, 'message-sent');
    await sendKeys({ press: 'Enter' });
    expect((await sent).detail.caller).to.equal('+12345678');
    expect(await bodies(LEAVE_MESSAGE)).to.deep.include({ channel: 'WEB', callId: 'visitor', caller: '+12345678', leaveMessage: 'Ring me' });
  });

  it('leaveMessage() sends a site form’s message, and refuses fields that cannot be sent without sending', async () => {
    const el = await element({}, '');
    const sent = await el.leaveMessage({ caller: 'me@example.com', message: 'From our own form' });
    expect(sent?.type).to.equal('message-sent');
    expect(sent?.detail).to.deep.equal({ media: 'voice', caller: 'me@example.com' });
    expect(await bodies(LEAVE_MESSAGE)).to.deep.equal([{ channel: 'WEB', callId: 'visitor', caller: 'me@example.com', leaveMessage: 'From our own form' }]);

    const heard: Event[] = [];
    el.addEventListener('call-error', (event) => heard.push(event));
    const refused = await el.leaveMessage({ caller: '', message: ' ' });
    expect(refused).to.be.instanceOf(CallErrorEvent);
    expect(refused?.detail).to.include({ reason: 'message-failed' });
    expect(heard).to.deep.equal([refused]);
    // Too long is refused whole, never cut (a cut could split a character).
    expect((await el.leaveMessage({ caller: 'me@example.com', message: `${'a'.repeat(499)}😀` }))?.detail).to.include({ reason: 'message-failed' });
    expect((await el.leaveMessage(null as never))?.detail).to.include({ reason: 'message-failed' });
    expect(heard).to.have.length(3);
    expect(await bodies(LEAVE_MESSAGE)).to.have.length(1);
    expect(panel(el)).to.equal(null);
  });

  describe('in every language', () => {
    for (const language of ['en', ...languages] as const) {
      it(`${language}: the form’s texts, ${language === 'ar' ? 'right to left, ' : ''}axe-clean`, async () => {
        const el = await element({ create: 'no-agents' });
        el.lang = language;
        await callUntilPanel(el, 'message-form');
        const texts = afterCallTexts[language];
        const labels = [...shadow(el).querySelectorAll('.panel label')].map((label) => label.textContent!.trim());
        expect(labels).to.deep.equal([texts.caller, texts.message]);
        expect(panelButton(el, 'send-button').textContent!.trim()).to.equal(texts.send);
        expect(shadow(el).querySelector('[part="base"]')!.getAttribute('dir')).to.equal(language === 'ar' ? 'rtl' : null);
        await expect(el).to.be.accessible();
      });
    }
  });
});

describe('rate the call (survey)', () => {
  /** A call the agent ends at once, after connected (`media-engine="none"`: connected counts as talking). */
  const talk: CallScript = { queueMs: 10, talkMs: 50 };

  it('asks CEC’s survey mode in the visitor’s language after a call, and shows its levels', async () => {
    const el = await element(talk);
    await callUntilPanel(el, 'survey');
    expect(await bodies(SURVEY_MODE)).to.deep.equal([{ channel: 'WEB', language: 'en_US' }]);
    const levels = [...shadow(el).querySelectorAll('.panel .level')].map((level) => level.textContent!.trim());
    expect(levels).to.deep.equal(['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied']);
    expect(shadow(el).querySelector('.panel legend')!.textContent!.trim()).to.equal(en.surveyTitle);
    expect(shadow(el).activeElement).to.equal(field(el, 'level'));
    expect(el.state).to.equal('ended');
    await expect(el).to.be.accessible();
  });

  it('reads the levels at the top of the answer too, and a tenant’s own levels', async () => {
    const flat = await element({ ...talk, surveyMode: 'web-flat' });
    await callUntilPanel(flat, 'survey');
    expect(shadow(flat).querySelectorAll('.panel .level')).to.have.length(5);
    const three = await element({ ...talk, surveyMode: 'web-three' });
    await callUntilPanel(three, 'survey');
    expect([...shadow(three).querySelectorAll('.panel .level')].map((level) => level.textContent!.trim())).to.deep.equal(['Bad', 'OK', 'Great']);
  });

  for (const surveyMode of ['no', '13'] as const) {
    it(`shows nothing when CEC answers ${surveyMode === 'no' ? 'surveyType NO' : 'resultCode "13"'}, and the visitor can call again`, async () => {
      const el = await element({ ...talk, surveyMode });
      button(el, 'voice').click();
      await waitUntil(() => el.state === 'ended', 'the call ends', { timeout: 5000 });
      await waitUntil(async () => (await bodies(SURVEY_MODE)).length === 1, 'the survey mode asked');
      await aTimeout(100);
      expect(panel(el)).to.equal(null);
      expect(button(el, 'voice').disabled).to.be.false;
    });
  }

  it('is not asked after a call nobody talked in (no agents, a queue timeout)', async () => {
    for (const script of [{ create: 'no-agents' }, { queueMs: 10, afterQueue: 'queue-timeout' }] as const) {
      const el = await element(script, 'survey');
      await el.start('voice');
      await waitUntil(() => el.state === 'no-agents' || el.state === 'error', 'an outcome');
      await aTimeout(100);
      expect(await bodies(SURVEY_MODE)).to.have.length(0);
      expect(panel(el)).to.equal(null);
    }
  });

  it('asks for a level, then sends saveSatisfaction in both documented shapes and fires survey-sent', async () => {
    const el = await element(talk);
    await callUntilPanel(el, 'survey');
    panelButton(el, 'send-button').click();
    await el.updateComplete;
    const fieldset = shadow(el).querySelector('.panel fieldset')!;
    expect(shadow(el).getElementById(fieldset.getAttribute('aria-describedby')!)!.textContent!.trim()).to.equal(en.levelMissing);
    expect(await bodies(SAVE_SATISFACTION)).to.have.length(0);

    shadow(el).querySelectorAll<HTMLInputElement>('.panel [name="level"]')[3].click();
    await type(el, 'comment', ' Quick and kind ');
    const sent = oneEvent(el, 'survey-sent');
    panelButton(el, 'send-button').click();
    expect((await sent).detail).to.deep.equal({ level: '4', comment: 'Quick and kind' });
    const rating = { channel: 'WEB', userId: 'visitor', evaluation: '4', comment: 'Quick and kind', channelConfigId: 'sim-channel' };
    expect(await bodies(SAVE_SATISFACTION)).to.deep.equal([{ ...rating, satisfication: rating }]);
    await el.updateComplete;
    expect(note(el)).to.equal(en.surveySent);
    await expect(el).to.be.accessible();
  });

  for (const saveSatisfaction of ['flat', 'return-code'] as const) {
    it(`is saved by a CEC that ${saveSatisfaction === 'flat' ? 'reads the fields at the top level' : 'answers {"returnCode":"0"}'}`, async () => {
      const el = await element({ ...talk, saveSatisfaction });
      await callUntilPanel(el, 'survey');
      shadow(el).querySelector<HTMLInputElement>('.panel [name="level"]')!.click();
      const sent = oneEvent(el, 'survey-sent');
      panelButton(el, 'send-button').click();
      expect((await sent).detail).to.deep.equal({ level: '1', comment: '' });
    });
  }

  it('keeps the rating when CEC answers "13": call-error {reason: \'survey-failed\'}', async () => {
    const el = await element({ ...talk, saveSatisfaction: '13' });
    await callUntilPanel(el, 'survey');
    shadow(el).querySelectorAll<HTMLInputElement>('.panel [name="level"]')[4].click();
    await type(el, 'comment', 'Great');
    const failed = oneEvent(el, 'call-error');
    panelButton(el, 'send-button').click();
    expect((await failed).detail).to.include({ reason: 'survey-failed', resultCode: '13' });
    await waitUntil(() => shadow(el).querySelector('.panel [role="alert"]'), 'the failure is said');
    expect(shadow(el).querySelectorAll<HTMLInputElement>('.panel [name="level"]')[4].checked).to.be.true;
    expect(field(el, 'comment').value).to.equal('Great');
    expect(shadow(el).querySelector('.panel [role="alert"]')!.textContent!.trim()).to.equal(en.surveyFailed);
    await expect(el).to.be.accessible();
  });

  it('starts empty after each call: nothing chosen for an earlier call carries over', async () => {
    const el = await element(talk);
    await callUntilPanel(el, 'survey');
    shadow(el).querySelectorAll<HTMLInputElement>('.panel [name="level"]')[1].click();
    await type(el, 'comment', 'about the first call');
    await callUntilPanel(el, 'survey');
    expect([...shadow(el).querySelectorAll<HTMLInputElement>('.panel [name="level"]')].some((radio) => radio.checked)).to.be.false;
    expect(field(el, 'comment').value).to.equal('');
  });

  it('costs nothing to ignore: No thanks closes it, and a new call starts at once', async () => {
    const el = await element(talk);
    await callUntilPanel(el, 'survey');
    panelButton(el, 'dismiss-button').click();
    await el.updateComplete;
    expect(panel(el)).to.equal(null);
    await waitUntil(() => shadow(el).activeElement === button(el, 'voice'), 'focus back');

    await callUntilPanel(el, 'survey');
    useScenario({ queueMs: 60_000 });
    const started = await el.start('video');
    expect(started?.type).to.equal('call-started');
    await el.updateComplete;
    expect(panel(el)).to.equal(null);
    el.reset();
  });

  it('does not show a survey whose answer comes after a new call started', async () => {
    const el = await element(talk);
    worker.use(http.post(SURVEY_MODE, async () => (await aTimeout(300), HttpResponse.json({ resultCode: '0', satisfactionSurvey: { surveyType: 'WEB' } }))));
    button(el, 'voice').click();
    await waitUntil(() => el.state === 'ended', 'the call ends', { timeout: 5000 });
    useScenario({ queueMs: 60_000 });
    worker.use(http.post(SURVEY_MODE, async () => (await aTimeout(300), HttpResponse.json({ resultCode: '0', satisfactionSurvey: { surveyType: 'WEB' } }))));
    await el.start('voice');
    await aTimeout(500);
    expect(panel(el)).to.equal(null);
    el.reset();
  });

  describe('in every language', () => {
    for (const language of ['en', ...languages] as const) {
      it(`${language}: the survey’s texts, axe-clean`, async () => {
        const el = await element(talk);
        el.lang = language;
        await callUntilPanel(el, 'survey');
        const texts = afterCallTexts[language];
        expect(shadow(el).querySelector('.panel legend')!.textContent!.trim()).to.equal(texts.surveyTitle);
        expect(panelButton(el, 'dismiss-button').textContent!.trim()).to.equal(texts.skip);
        await expect(el).to.be.accessible();
      });
    }
  });
});
