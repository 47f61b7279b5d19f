import { expect } from '@open-wc/testing';
import { estimateMos, qualityLevel, readQuality } from '../src/media/call-quality.js';

/** A statistics report as a peer connection's getStats() gives it: a map of reports by id. */
const report = (...reports: Record<string, unknown>[]) => new Map(reports.map((r, index) => [String(index), r])) as unknown as RTCStatsReport;
const inbound = (packetsReceived: number, packetsLost: number, jitter = 0.004) => ({ type: 'inbound-rtp', kind: 'audio', packetsReceived, packetsLost, jitter });

describe('call quality (E-model estimate from WebRTC statistics)', () => {
  it('rates a clean short path good, long delay fair, heavy loss poor', () => {
    expect(estimateMos(20, 2, 0)).to.be.within(4.3, 4.5);
    expect(qualityLevel(estimateMos(20, 2, 0))).to.equal('good');
    expect(qualityLevel(estimateMos(600, 40, 0.01))).to.equal('fair');
    expect(qualityLevel(estimateMos(40, 5, 0.25))).to.equal('poor');
    expect(estimateMos(5000, 500, 1)).to.equal(1);
  });

  it('reads rtt from the agent’s RTCP report (else the candidate pair), jitter and loss in ms and as a fraction', () => {
    const first = readQuality(report(inbound(1000, 0), { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.042 }))!;
    expect(first.quality).to.deep.equal({ rtt: 42, jitter: 4, packetLoss: 0, mos: first.quality.mos, level: 'good' });
    const fromPair = readQuality(report(inbound(10, 0), { type: 'candidate-pair', nominated: true, currentRoundTripTime: 0.1 }))!;
    expect(fromPair.quality.rtt).to.equal(100);
  });

  it('counts loss over the last interval only, not the whole call', () => {
    const before = readQuality(report(inbound(1000, 0)))!;
    // 100 packets since, 30 of them lost: 30 / 130.
    const after = readQuality(report(inbound(1100, 30)), before.counters)!;
    expect(after.quality.packetLoss).to.equal(0.231);
    expect(after.quality.level).to.equal('poor');
    const recovered = readQuality(report(inbound(1200, 30)), after.counters)!;
    expect(recovered.quality.packetLoss).to.equal(0);
    expect(recovered.quality.level).to.equal('good');
  });

  it('reads a path where nothing arrives any more as all lost: poor, not good', () => {
    const before = readQuality(report(inbound(1000, 0)))!;
    const stalled = readQuality(report(inbound(1000, 0)), before.counters)!;
    expect(stalled.quality.packetLoss).to.equal(1);
    expect(stalled.quality.level).to.equal('poor');
  });

  it('says nothing before audio arrives', () => {
    expect(readQuality(report({ type: 'inbound-rtp', kind: 'audio', packetsReceived: 0 }))).to.equal(undefined);
    expect(readQuality(report({ type: 'inbound-rtp', kind: 'video', packetsReceived: 50 }))).to.equal(undefined);
  });
});
