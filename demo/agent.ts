// The demo's agent console: JsSIP registered with the dev server's SIP relay (mocks/sip-relay.js) as the access
// code the simulated CEC hands the visitor. `?auto-answer=1` answers by itself; `?code=` picks another access
// code. `window.agent` tells tests what happened.
import { UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';

const params = new URLSearchParams(location.search);
const accessCode = params.get('code') ?? '1010';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLOutputElement>('status');
const buttons = { answer: $<HTMLButtonElement>('answer'), decline: $<HTMLButtonElement>('decline'), mute: $<HTMLButtonElement>('mute'), hangUp: $<HTMLButtonElement>('hang-up') };
const autoAnswer = $<HTMLInputElement>('auto-answer');
const useDevices = $<HTMLInputElement>('devices');
const visitorVideo = $<HTMLVideoElement>('visitor');
const selfVideo = $<HTMLVideoElement>('self');
$('code').textContent = accessCode;
autoAnswer.checked = params.get('auto-answer') === '1';

const agent = { registered: false, state: 'connecting', calls: 0, answered: 0, ended: 0 };
Object.assign(window, { agent });

function show(state: string, text: string) {
  agent.state = state;
  status.value = text;
  buttons.answer.disabled = buttons.decline.disabled = state !== 'ringing';
  buttons.mute.disabled = buttons.hangUp.disabled = state !== 'talking';
}

/** A picture with a running clock and a soft tone: what the agent sends without camera and microphone. */
function syntheticMedia(): { stream: MediaStream; stop: () => void } {
  const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 360 });
  const context = canvas.getContext('2d')!;
  const draw = () => {
    const now = new Date();
    context.fillStyle = '#0b5cad';
    context.fillRect(0, 0, 640, 360);
    context.fillStyle = '#ffffff';
    context.font = 'bold 40px sans-serif';
    context.fillText('Agent (simulated)', 40, 90);
    context.font = '64px monospace';
    context.fillText(now.toLocaleTimeString('en-GB'), 40, 210);
    // A bar that moves, so that a frozen picture shows.
    context.fillRect(40 + ((now.getTime() / 10) % 520), 280, 40, 24);
  };
  draw();
  const timer = setInterval(draw, 100);
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 440;
  gain.gain.value = 0.05;
  const destination = audio.createMediaStreamDestination();
  tone.connect(gain).connect(destination);
  tone.start();
  // Browsers start audio only after a gesture on the page: any click here lets the tone play.
  const unmute = () => void audio.resume();
  document.addEventListener('pointerdown', unmute, { once: true });
  const stream = new MediaStream([...canvas.captureStream(15).getVideoTracks(), ...destination.stream.getAudioTracks()]);
  return {
    stream,
    stop: () => {
      document.removeEventListener('pointerdown', unmute);
      clearInterval(timer);
      stream.getTracks().forEach((track) => track.stop());
      void audio.close();
    },
  };
}

async function agentMedia(video: boolean): Promise<{ stream: MediaStream; stop: () => void }> {
  if (useDevices.checked) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
      return { stream, stop: () => stream.getTracks().forEach((track) => track.stop()) };
    } catch {
      useDevices.checked = false; // refused or absent: the synthetic picture and tone instead
    }
  }
  return syntheticMedia();
}

let current: RTCSession | undefined;

async function answer(session: RTCSession, video: boolean) {
  const media = await agentMedia(video);
  if (!video) media.stream.getVideoTracks().forEach((track) => media.stream.removeTrack(track));
  selfVideo.srcObject = media.stream;
  session.on('ended', media.stop);
  session.on('failed', media.stop);
  session.answer({ mediaStream: media.stream, pcConfig: { iceServers: [] } });
  agent.answered++;
}

const ua = new UA({
  sockets: [new WebSocketInterface(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sip`)],
  uri: `sip:${accessCode}@relay.local`,
  register: true,
  session_timers: false,
});
ua.on('registered', () => {
  agent.registered = true;
  if (agent.state === 'connecting') show('waiting', 'Waiting for a call.');
});
ua.on('registrationFailed', () => show('connecting', 'The SIP relay refused the registration; retrying…'));
ua.on('disconnected', () => show('connecting', 'Connecting to the SIP relay…'));
ua.on('newRTCSession', ({ session, originator, request }: { session: RTCSession; originator: string; request: { body?: string } }) => {
  if (originator !== 'remote') return;
  if (current) return void session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
  current = session;
  agent.calls++;
  const video = /m=video/.test(request.body ?? '');
  session.on('peerconnection', ({ peerconnection }: { peerconnection: RTCPeerConnection }) =>
    peerconnection.addEventListener('track', ({ streams }) => (visitorVideo.srcObject = streams[0])),
  );
  session.on('confirmed', () => show('talking', `In a ${video ? 'video' : 'voice'} call with the visitor.`));
  const over = (text: string) => () => {
    current = undefined;
    agent.ended++;
    visitorVideo.srcObject = selfVideo.srcObject = null;
    buttons.mute.setAttribute('aria-pressed', 'false');
    buttons.mute.textContent = 'Mute';
    show('waiting', `${text} Waiting for a call.`);
  };
  session.on('ended', over('The call ended.'));
  session.on('failed', over('The call did not start.'));
  show('ringing', `The visitor is calling (${video ? 'video' : 'voice'}).`);
  buttons.answer.onclick = () => void answer(session, video);
  buttons.decline.onclick = () => session.terminate({ status_code: 603, reason_phrase: 'Decline' });
  if (autoAnswer.checked) void answer(session, video);
});
buttons.hangUp.addEventListener('click', () => current?.terminate());
buttons.mute.addEventListener('click', () => {
  if (!current) return;
  const muted = buttons.mute.getAttribute('aria-pressed') !== 'true';
  if (muted) current.mute({ audio: true });
  else current.unmute({ audio: true });
  buttons.mute.setAttribute('aria-pressed', String(muted));
  buttons.mute.textContent = muted ? 'Unmute' : 'Mute';
});
ua.start();
