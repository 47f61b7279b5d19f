// `import type {} from 'click-to-call/react'` (or "types": ["click-to-call/react"]) types <click-to-call> in JSX:
// its properties and attributes, and React 19's `on<event-name>` listeners with the event classes.
import type { ClickToCall } from '../click-to-call.element.js';
import type { ClickToCallEventName, ClickToCallProps } from './props.js';
import type * as React from 'react';

type Listeners = { [Name in ClickToCallEventName as `on${Name}`]?: (event: GlobalEventHandlersEventMap[Name]) => void };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'click-to-call': React.DetailedHTMLProps<React.HTMLAttributes<ClickToCall>, ClickToCall> & ClickToCallProps & Listeners;
    }
  }
}

export {};
