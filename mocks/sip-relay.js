// A test double for CEC's WebRTC gateway, as the simulated CEC is one for its REST API: SIP over WebSocket at
// `/sip` (subprotocol `sip`) on the dev server's (or the test runner's) own port. It is not a SIP server: it
// takes the agent console's REGISTER (the user is the access code it answers), takes the visitor's INVITE without
// REGISTER — as CEC's gateway does — and hands it to the console registered for the dialled access code (480
// when none is), then passes every later message of that call (responses, ACK, BYE, CANCEL…) to the other side
// as it came, matched by Call-ID. Media never touches it: the two browsers talk WebRTC directly.
import { WebSocketServer } from 'ws';

export const SIP_RELAY_PATH = '/sip';

/** The start line and the headers of a SIP message (compact names expanded), or undefined if it is not one. */
function parseSip(text) {
  const head = text.split('\r\n\r\n', 1)[0];
  const [startLine, ...lines] = head.split('\r\n');
  const compact = { i: 'call-id', f: 'from', t: 'to', v: 'via', m: 'contact', l: 'content-length' };
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[compact[name] ?? name] ??= []).push(line.slice(colon + 1).trim());
  }
  const request = /^([A-Z]+) (sips?:\S+) SIP\/2\.0$/.exec(startLine);
  const status = Number(/^SIP\/2\.0 (\d{3})/.exec(startLine)?.[1]);
  if (!request && !status) return undefined;
  return { method: request?.[1], uri: request?.[2], status, headers, callId: headers['call-id']?.[0] };
}

/** The user part of a SIP URI in a header or a request line: `1010` in `<sip:1010@gw.example>;tag=x`. */
const userOf = (value = '') => /sips?:([^@;>\s]+)@/.exec(value)?.[1];

/** A response to `request` (its Via, From, To, Call-ID and CSeq), written by the relay itself. */
function reply(request, raw, status, reason, extra = []) {
  const copied = raw
    .split('\r\n\r\n', 1)[0]
    .split('\r\n')
    .slice(1)
    .filter((line) => /^(via|v|from|f|call-id|i|cseq)\s*:/i.test(line));
  const to = request.headers.to?.[0] ?? '';
  const toWithTag = /;tag=/.test(to) ? to : `${to};tag=relay${Math.random().toString(36).slice(2, 10)}`;
  return [`SIP/2.0 ${status} ${reason}`, ...copied, `To: ${toWithTag}`, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}

/** Attaches the relay to `server` (a node:http server: Vite's or the test runner's). Returns `close()`. */
export function attachSipRelay(server) {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false) });
  /** Access code → the agent console's socket. */
  const agents = new Map();
  /** Call-ID → { visitor, agent }. */
  const calls = new Map();

  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const raw = data.toString('utf8');
      const message = parseSip(raw);
      if (!message) return;
      const known = message.callId && calls.get(message.callId);
      if (known) {
        const other = socket === known.visitor ? known.agent : known.visitor;
        if (other.readyState === other.OPEN) other.send(raw);
        const refused = message.status >= 300 && /INVITE/.test(message.headers.cseq?.[0] ?? '');
        if (message.method === 'BYE' || refused) {
          // The call is over (or never started): later messages of it are answered by their peer or dropped.
          setTimeout(() => calls.delete(message.callId), 5000).unref?.();
        }
        return;
      }
      if (message.method === 'REGISTER') {
        const user = userOf(message.headers.to?.[0]);
        const expires = /expires=(\d+)/i.exec(message.headers.contact?.[0] ?? '')?.[1] ?? message.headers.expires?.[0];
        if (user && expires === '0') agents.delete(user);
        else if (user) agents.set(user, socket);
        const contact = message.headers.contact?.[0];
        return socket.send(reply(message, raw, 200, 'OK', contact ? [`Contact: ${contact.replace(/;expires=\d+/i, '')};expires=600`] : []));
      }
      if (message.method === 'INVITE') {
        const agent = agents.get(userOf(message.uri));
        if (!agent || agent.readyState !== agent.OPEN) return socket.send(reply(message, raw, 480, 'Temporarily Unavailable'));
        calls.set(message.callId, { visitor: socket, agent });
        return agent.send(raw);
      }
      if (message.method && message.method !== 'ACK') socket.send(reply(message, raw, 481, 'Call/Transaction Does Not Exist'));
    });
    socket.on('close', () => {
      for (const [user, agent] of agents) if (agent === socket) agents.delete(user);
    });
  });

  const onUpgrade = (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://relay.invalid').pathname !== SIP_RELAY_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);
  return {
    close() {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
