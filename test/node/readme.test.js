// The README's API reference is the one generated from custom-elements.json (npm run docs).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apiTables, withTables } from '../../scripts/api-tables.js';

it('README.md has the API tables generated from custom-elements.json (run `npm run docs` after API changes)', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(readme, withTables(readme, apiTables()));
});

it("README.md's environment table lists every variable the command reads, and nothing else", () => {
  const readme = readFileSync('README.md', 'utf8');
  const table = readme.slice(readme.indexOf('### Environment variables'), readme.indexOf('### Health, metrics and logs'));
  const documented = new Set([...table.matchAll(/^\| (.+?) \|/gm)].flatMap(([, names]) => [...names.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])));
  const cli = readFileSync('server/cli.ts', 'utf8');
  const read = new Set([...cli.matchAll(/env\.([A-Z_]+)|(?:number|list)\('([A-Z_]+)'\)/g)].map((m) => m[1] ?? m[2]));
  assert.ok(read.size > 10);
  assert.deepEqual([...documented].sort(), [...read].sort());
});
