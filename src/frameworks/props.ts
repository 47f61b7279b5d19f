import type { ClickToCall } from '../click-to-call.element.js';

export type { ClickToCallEventName } from '../events.js';

/** The element's reactive properties, as its `static properties` declare them. */
type Declarations = typeof ClickToCall.properties;
type Settable = keyof Declarations;

/** `pollInterval` → `poll-interval`: how the element names an attribute (test/node/api.test.js keeps it so). */
type Kebab<Name extends string> = Name extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `-${Lowercase<Head>}`}${Kebab<Tail>}`
  : Name;

/** An attribute's name: the property's in kebab-case, but `leave-message` (`leaveMessage` is the method). */
type AttributeName<Name extends string> = Name extends 'offerMessage' ? 'leave-message' : Kebab<Name>;

/** The properties whose attribute has a name of its own (the others have none, or the property's name). */
type Renamed = { [Name in Settable]: Declarations[Name] extends { attribute: string } ? Name : never }[Settable];

/** What an attribute takes: numbers as numbers or text, JSON attributes as text, the rest as the property does. */
type AttributeValue<Name extends Settable> = Declarations[Name] extends { type: NumberConstructor }
  ? number | string
  : Declarations[Name] extends { converter: unknown }
    ? string
    : ClickToCall[Name];

/** What a framework may set on `<click-to-call>`: its properties, and its attributes by their own names. */
export type ClickToCallProps = Partial<Pick<ClickToCall, Settable>> & {
  [Name in Renamed as AttributeName<Name>]?: AttributeValue<Name>;
};
