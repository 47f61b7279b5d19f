// `import type {} from 'click-to-call/vue'` types <click-to-call> in Vue templates (Volar): its properties, and
// `@call-started`-style listeners with the event classes.
import type { DefineComponent } from 'vue';
import type { ClickToCallEventName, ClickToCallProps } from './props.js';

type Camel<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : Name;
type Listeners = {
  [Name in ClickToCallEventName as `on${Capitalize<Camel<Name>>}`]?: (event: GlobalEventHandlersEventMap[Name]) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    'click-to-call': DefineComponent<ClickToCallProps & Listeners>;
  }
}

export {};
