import { readFileSync } from 'fs';
import { join } from 'path';

import { VERSION } from '../version';

describe('VERSION', () => {
  it('is the version in package.json, which the server reports too', () => {
    const pkg = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf-8')
    );
    expect(VERSION).toBe(pkg.version);
  });
});
