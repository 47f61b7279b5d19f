// The package's index.d.ts re-exports `./browser/commands.mjs`, whose types TypeScript cannot find.
declare module '@web/test-runner-visual-regression' {
  export function visualDiff(element: Element, name: string): Promise<void>;
}
