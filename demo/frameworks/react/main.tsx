import 'click-to-call';
import { useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { tokenProvider } from '../token.js';

function App() {
  const [status, setStatus] = useState('waiting');
  const context = useMemo(() => ({ framework: 'react' }), []);
  return (
    <main>
      <click-to-call
        media="voice"
        media-engine="none"
        leave-message
        context={context}
        tokenProvider={tokenProvider}
        oncall-started={(event) => setStatus(`react: started ${event.detail.media}`)}
        onno-agents={(event) => setStatus(`react: no agents (${event.detail.resultCode})`)}
        onmessage-sent={(event) => setStatus(`react: message sent (${event.detail.caller})`)}
      ></click-to-call>
      <output>{status}</output>
    </main>
  );
}

createRoot(document.querySelector('#app')!).render(<App />);
