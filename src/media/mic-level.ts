/** How often the microphone's level is read. */
const MIC_LEVEL_INTERVAL_MS = 100;
/** The level scale's floor and span: -60 dBFS (silence in a room) reads 0, -10 dBFS (speaking close) reads 1. */
const FLOOR_DB = -60;
const SPAN_DB = 50;

/** A level, 0–1, from samples of -1…1: their loudness (RMS) on a decibel scale. */
function levelOf(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  const db = 10 * Math.log10(sum / samples.length || 1e-12);
  return Math.min(1, Math.max(0, (db - FLOOR_DB) / SPAN_DB));
}

/**
 * Reads the microphone's level from `stream` about ten times a second (Web Audio, no new request for the device)
 * and reports it. It listens to a clone of the track: a muted track is silent, the clone still hears, so speaking
 * while muted can be noticed. Returns what stops it; without an audio track or Web Audio, nothing is reported.
 */
export function watchMicLevel(stream: MediaStream, report: (level: number) => void): () => void {
  const [track] = stream.getAudioTracks();
  if (!track || typeof AudioContext === 'undefined') return () => {};
  const listening = track.clone();
  listening.enabled = true;
  let context: AudioContext | undefined;
  try {
    context = new AudioContext();
    // Created after the visitor's click it runs; started by a page's script it may wait for a gesture.
    void context.resume().catch(() => {});
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(new MediaStream([listening])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      report(levelOf(samples));
    }, MIC_LEVEL_INTERVAL_MS);
    return () => {
      clearInterval(timer);
      stop(listening, context);
    };
  } catch {
    // No meter (too many audio contexts, a sample rate Web Audio refuses): the call goes on without it.
    stop(listening, context);
    return () => {};
  }
}

function stop(track: MediaStreamTrack, context: AudioContext | undefined): void {
  track.stop();
  void context?.close().catch(() => {});
}
