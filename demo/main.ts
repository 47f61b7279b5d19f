import { scenarios } from '../mocks/handlers.js';
import { eventNames } from '../src/events.js';
import '../src/index.js';

const select = document.querySelector<HTMLSelectElement>('#scenario')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const stateOutput = document.querySelector<HTMLOutputElement>('#state')!;
const call = document.querySelector('click-to-call')!;
call.context = { page: location.pathname };

function write(kind: string, text: string): void {
  const item = document.createElement('li');
  item.className = kind;
  item.textContent = `${new Date().toLocaleTimeString()}  ${kind}  ${text}`;
  log.prepend(item);
}

// The simulated CEC runs behind the token service in the dev server; this asks it to play another scenario.
for (const [name, { label }] of Object.entries(scenarios)) select.add(new Option(label, name));
// After a reload, show the scenario the dev server still plays.
fetch('/__demo/scenario')
  .then((answer) => (answer.ok ? answer.json() : {}))
  .then(({ name }: { name?: string | null }) => name && (select.value = name), () => undefined);
select.addEventListener('change', async () => {
  const answer = await fetch('/__demo/scenario', { method: 'POST', body: JSON.stringify({ name: select.value }) });
  write('scenario', answer.ok ? select.options[select.selectedIndex].text : 'not available: the demo runs on a real CEC');
});

for (const type of eventNames) document.addEventListener(type, (event) => write(type, JSON.stringify(event.detail)));
// The state attribute is what CSS sees; show it as it changes.
new MutationObserver(() => {
  stateOutput.value = call.state;
  write('state', call.state);
}).observe(call, { attributeFilter: ['state'] });

document.querySelector('#reset')!.addEventListener('click', () => call.reset());

// The agent console beside the call, in a frame (it may also run in a window of its own, from the link).
const stage = document.querySelector<HTMLDivElement>('#stage')!;
document.querySelector<HTMLInputElement>('#show-agent')!.addEventListener('change', ({ target }) => {
  stage.classList.toggle('with-agent', (target as HTMLInputElement).checked);
  if (!(target as HTMLInputElement).checked) return stage.querySelector('iframe')?.remove();
  const frame = Object.assign(document.createElement('iframe'), { src: '/demo/agent.html', title: 'Agent console' });
  frame.allow = 'camera; microphone; autoplay';
  stage.append(frame);
});
document.querySelector('#clear')!.addEventListener('click', () => log.replaceChildren());
