// The README's API reference is the one generated from custom-elements.json (npm run docs).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { apiTables, withTables } from '../../scripts/api-tables.js';

it('README.md has the API tables generated from custom-elements.json (run `npm run docs` after API changes)', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(readme, withTables(readme, apiTables()));
});
