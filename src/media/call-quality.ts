/** How the call sounds, from the peer connection's statistics: what `call-quality` carries. */
export interface CallQuality {
  /** Round-trip time, ms. */
  readonly rtt: number;
  /** The agent's audio jitter as received, ms. */
  readonly jitter: number;
  /** Share of the agent's audio packets lost since the last reading, 0–1. */
  readonly packetLoss: number;
  /** Mean opinion score, 1–4.5, estimated with the E-model (ITU-T G.107, simplified for narrow-band voice). */
  readonly mos: number;
  readonly level: QualityLevel;
}

export type QualityLevel = 'good' | 'fair' | 'poor';

/** Cumulative counters of one reading, to take the next one's loss over the interval between them. */
export interface QualityCounters {
  readonly received: number;
  readonly lost: number;
}

/**
 * The E-model's R factor and its MOS: one-way delay (half the round trip) plus the jitter buffer (twice the
 * jitter) and 10 ms of codec delay; 2.5 R points per percent of loss (a codec without much concealment).
 */
export function estimateMos(rttMs: number, jitterMs: number, packetLoss: number): number {
  const delay = rttMs / 2 + jitterMs * 2 + 10;
  const r = Math.min(100, Math.max(0, 93.2 - (delay < 160 ? delay / 40 : (delay - 120) / 10) - packetLoss * 100 * 2.5));
  return Math.round((1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)) * 100) / 100;
}

/** `good` from 4.0 (toll quality), `poor` below 3.1 (many users dissatisfied, G.107's bands), `fair` between. */
export const qualityLevel = (mos: number): QualityLevel => (mos >= 4 ? 'good' : mos >= 3.1 ? 'fair' : 'poor');

/**
 * The quality now, from `stats` (a peer connection's report) and the counters of the reading before; `undefined`
 * while no audio has arrived yet. RTT: the agent's RTCP report on our audio, else the selected candidate pair.
 */
export function readQuality(stats: RTCStatsReport, before?: QualityCounters): { quality: CallQuality; counters: QualityCounters } | undefined {
  let inbound: (RTCInboundRtpStreamStats & { jitter?: number }) | undefined;
  let rttSeconds: number | undefined;
  let pairRttSeconds: number | undefined;
  stats.forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') inbound = report;
    else if (report.type === 'remote-inbound-rtp' && report.kind === 'audio' && report.roundTripTime !== undefined) rttSeconds = report.roundTripTime;
    else if (report.type === 'candidate-pair' && report.nominated && report.currentRoundTripTime !== undefined) pairRttSeconds = report.currentRoundTripTime;
  });
  if (!inbound?.packetsReceived) return undefined;
  const counters = { received: inbound.packetsReceived, lost: Math.max(0, inbound.packetsLost ?? 0) };
  const received = counters.received - (before?.received ?? 0);
  const lost = Math.max(0, counters.lost - (before?.lost ?? 0));
  // Nothing at all since the last reading (a broken path): every packet was lost, though none was counted lost.
  const packetLoss = received > 0 || lost > 0 ? lost / (received + lost) : 1;
  const rtt = Math.round((rttSeconds ?? pairRttSeconds ?? 0) * 1000);
  const jitter = Math.round((inbound.jitter ?? 0) * 1000);
  const mos = estimateMos(rtt, jitter, packetLoss);
  return { quality: { rtt, jitter, packetLoss: Math.round(packetLoss * 1000) / 1000, mos, level: qualityLevel(mos) }, counters };
}

/** How often the statistics are read, and how long a level may go unreported while it stays the same. */
export const QUALITY_INTERVAL_MS = 2000;
export const QUALITY_REPEAT_MS = 10_000;

/**
 * Reads `pc`'s statistics every 2 s while it lasts and calls `report` when the level changes, or every 10 s while
 * it stays the same. Returns what stops it.
 */
export function watchQuality(pc: RTCPeerConnection, report: (quality: CallQuality) => void): () => void {
  let counters: QualityCounters | undefined;
  let last: { level: QualityLevel; at: number } | undefined;
  let stopped = false;
  const timer = setInterval(async () => {
    let reading;
    try {
      reading = readQuality(await pc.getStats(), counters);
    } catch {
      return; // a closed connection: stopped soon after
    }
    if (!reading || stopped) return;
    counters = reading.counters;
    const now = Date.now();
    if (last && last.level === reading.quality.level && now - last.at < QUALITY_REPEAT_MS) return;
    last = { level: reading.quality.level, at: now };
    report(reading.quality);
  }, QUALITY_INTERVAL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
