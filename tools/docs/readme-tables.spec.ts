import { readFileSync } from 'node:fs';
import { README, renderReadme } from './readme-tables';

describe('README reference tables', () => {
  it('are generated from the code (run `npm run docs` after changing config or topics)', () => {
    const text = readFileSync(README, 'utf8');
    expect(renderReadme(text)).toBe(text);
  });
});
