// `cem analyze` (npm run analyze): the element's defaults are written once, in src/settings.ts, and assigned
// in its constructor; this plugin puts them into the manifest (and so into the README's API reference).
export default {
  litelement: true,
  globs: ['src/**/*.ts'],
  plugins: [
    (() => {
      const defaults = new Map();
      return {
        name: 'click-to-call-settings-defaults',
        analyzePhase({ ts, node, moduleDoc }) {
          if (!moduleDoc.path.endsWith('src/settings.ts') || !ts.isVariableDeclaration(node) || node.name.getText() !== 'defaults') return;
          let literal = node.initializer;
          while (literal && !ts.isObjectLiteralExpression(literal)) literal = literal.expression;
          for (const property of literal?.properties ?? []) defaults.set(property.name.getText(), property.initializer.getText());
        },
        packageLinkPhase({ customElementsManifest }) {
          for (const declaration of customElementsManifest.modules.flatMap((module) => module.declarations ?? [])) {
            for (const member of [...(declaration.members ?? []), ...(declaration.attributes ?? [])]) {
              const name = member.fieldName ?? member.name;
              if (member.default === undefined && defaults.has(name)) member.default = defaults.get(name);
            }
          }
        },
      };
    })(),
  ],
};
