/** docs/compatibility.md and the README's summary are current with the declarations. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the compatibility document', () => {
  it('is what npm run gen:compat generates from the current declarations', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/gen-compatibility.ts', '--check'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, `stale: run npm run gen:compat\n${run.stdout}${run.stderr}`);
  });
});
