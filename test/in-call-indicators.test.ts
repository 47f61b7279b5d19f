import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import { html as litHtml, render } from 'lit';
import { inCallIndicators, type CallNotice, type IndicatorView } from '../src/in-call-indicators.js';
import { IndicatorState, MUTED_HINT_MS, SPEAKING_LEVEL } from '../src/media/indicator-state.js';
import { languages } from '../src/strings.js';
import { watchMicLevel } from '../src/media/mic-level.js';
import { itExcept } from './support/engine.js';

// What the in-call indicators say and show, from what the call reports: the view in every language, and the
// rules of the notices (each said once a call).

const quality = (level: 'good' | 'fair' | 'poor') => ({ rtt: 20, jitter: 2, packetLoss: level === 'poor' ? 0.2 : 0, mos: 4, level });

describe('the in-call indicators', () => {
  it('say a weak connection once a call: while the first poor spell lasts, not for a later one', () => {
    const state = new IndicatorState(() => {});
    state.quality(quality('good'));
    expect(state.notices).to.deep.equal([]);
    state.quality(quality('poor'));
    state.quality(quality('poor'));
    expect(state.notices).to.deep.equal(['weak']);
    state.quality(quality('fair'));
    state.quality(quality('poor'));
    expect(state.notices).to.deep.equal([]);
    expect(state.level).to.equal('poor');
  });

  it('say "Reconnecting…" first while the media path is restarted, and stop when it is back', () => {
    const state = new IndicatorState(() => {});
    state.quality(quality('poor'));
    state.reconnecting(true);
    expect(state.notices).to.deep.equal(['reconnecting', 'weak']);
    state.reconnecting(false);
    expect(state.notices).to.deep.equal(['weak']);
  });

  it('light the meter by the microphone\'s level, none while muted, and render only when a segment changes', () => {
    let renders = 0;
    const state = new IndicatorState(() => renders++);
    state.micLevel(0.61, false);
    expect(state.micSegments).to.equal(3);
    state.micLevel(0.59, false);
    expect(renders, 'the same three segments').to.equal(1);
    state.micLevel(1, true);
    expect(state.micSegments).to.equal(0);
  });

  it('say "You are muted." after three loud readings within 2 s while muted, once a call, until unmuted or 5 s on', async () => {
    const state = new IndicatorState(() => {});
    state.micLevel(SPEAKING_LEVEL, true);
    state.micLevel(0.1, true);
    state.micLevel(SPEAKING_LEVEL + 0.1, true);
    expect(state.notices, 'a cough is not speaking').to.deep.equal([]);
    state.micLevel(0.9, true);
    expect(state.notices).to.deep.equal(['muted']);
    state.unmuted();
    expect(state.notices).to.deep.equal([]);
    for (let reading = 0; reading < 5; reading++) state.micLevel(0.9, true);
    expect(state.notices, 'once a call').to.deep.equal([]);

    const staying = new IndicatorState(() => {});
    for (let reading = 0; reading < 3; reading++) staying.micLevel(0.9, true);
    expect(staying.notices).to.deep.equal(['muted']);
    await aTimeout(MUTED_HINT_MS + 100);
    expect(staying.notices).to.deep.equal([]);
    staying.dispose();
  }).timeout(MUTED_HINT_MS + 2000);

  it('take the site\'s own texts (the element\'s strings) over the built-in ones', async () => {
    const el = await fixture<HTMLDivElement>(html`<div></div>`);
    const view: IndicatorView = { level: 'good', micSegments: 0, notices: ['reconnecting'] };
    render(inCallIndicators(litHtml, view, 'fr', { reconnecting: 'Un instant…', micLevel: 'Votre micro', voice: 'Appelez-nous' }), el);
    expect(el.querySelector('[part="notice"]')!.textContent).to.equal('Un instant…');
    expect(el.querySelector('[part="mic-level"]')!.getAttribute('aria-label')).to.equal('Votre micro');
    expect(el.querySelector('[part="quality"]')!.getAttribute('aria-label')).to.equal('Connexion : bonne');
  });

  it('name the level, the meter and every notice in each language, and are accessible', async () => {
    const notices: CallNotice[] = ['reconnecting', 'weak', 'muted'];
    const seen = new Map<string, string>();
    for (const language of ['en', ...languages] as const) {
      const view: IndicatorView = { level: 'poor', micSegments: 2, notices };
      const el = await fixture<HTMLDivElement>(html`<div lang=${language}></div>`);
      render(inCallIndicators(litHtml, view, language), el);
      const bars = el.querySelector('[part="quality"]')!;
      const meter = el.querySelector('[part="mic-level"]')!;
      const said = el.querySelector('[role="status"]')!.textContent!;
      expect(bars.getAttribute('aria-label'), language).to.match(/\S/);
      expect(meter.getAttribute('aria-label'), language).to.match(/\S/);
      expect(meter.getAttribute('aria-valuenow')).to.equal('2');
      expect(meter.querySelectorAll('i.on').length).to.equal(2);
      if (language !== 'en') {
        expect(meter.getAttribute('aria-label'), `${language} is translated`).to.not.equal(seen.get('mic'));
        expect(said, `${language} is translated`).to.not.equal(seen.get('said'));
      } else {
        expect(said).to.equal('Reconnecting… Your connection is weak. You are muted.');
        seen.set('mic', meter.getAttribute('aria-label')!).set('said', said);
      }
      await expect(el).to.be.accessible();
    }
  });
});

describe('the microphone meter', () => {
  itExcept(['webkit'], "WebKitGTK's MiniBrowser has no fake microphone", 'leaves the call alone when Web Audio refuses, and releases the microphone copy it took', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const clones: MediaStreamTrack[] = [];
    const clone = MediaStreamTrack.prototype.clone;
    const Original = window.AudioContext;
    MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack) {
      const copy = clone.call(this);
      clones.push(copy);
      return copy;
    };
    window.AudioContext = class {
      constructor() {
        throw new DOMException('too many contexts', 'NotSupportedError');
      }
    } as unknown as typeof AudioContext;
    try {
      const readings: number[] = [];
      const stop = watchMicLevel(stream, (level) => readings.push(level));
      expect(clones.map((track) => track.readyState)).to.deep.equal(['ended']);
      await aTimeout(300);
      expect(readings).to.deep.equal([]);
      stop();
    } finally {
      MediaStreamTrack.prototype.clone = clone;
      window.AudioContext = Original;
      for (const track of stream.getTracks()) track.stop();
    }
  });

  it('measures nothing, and throws nothing, for a stream without a microphone', () => {
    const stop = watchMicLevel(new MediaStream(), () => expect.fail('no reading'));
    stop();
  });
});
