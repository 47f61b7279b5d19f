// Angular without its CLI: the component is compiled in the browser (JIT, hence @angular/compiler first),
// with zoneless change detection and a signal for the status.
import '@angular/compiler';
import 'click-to-call';
import { Component, CUSTOM_ELEMENTS_SCHEMA, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import type { CallStartedEvent, NoAgentsEvent } from 'click-to-call';
import { tokenProvider } from '../token.js';

@Component({
  selector: 'app-root',
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <main>
      <click-to-call
        media="voice"
        media-engine="none"
        [context]="context"
        [tokenProvider]="tokenProvider"
        (call-started)="started($event)"
        (no-agents)="noAgents($event)"
      ></click-to-call>
      <output>{{ status() }}</output>
    </main>
  `,
})
class App {
  readonly status = signal('waiting');
  readonly context = { framework: 'angular' };
  readonly tokenProvider = tokenProvider;

  started(event: Event) {
    this.status.set(`angular: started ${(event as CallStartedEvent).detail.media}`);
  }

  noAgents(event: Event) {
    this.status.set(`angular: no agents (${(event as NoAgentsEvent).detail.resultCode})`);
  }
}

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] }).catch((error) => console.error(error));
