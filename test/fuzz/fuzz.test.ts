/**
 * The fuzz harness (test/fuzz/harness.ts) for a bounded time: once with a fixed seed, once with a
 * random one that is logged (replay it with `npm run fuzz -- --seed <n>`). Longer runs:
 * `npm run fuzz -- --seconds 600`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzz, type FuzzReport } from './harness.js';

const FIXED_SEED = 20261122;
const SECONDS = 10;

function describeFindings(report: FuzzReport): string {
  return report.findings
    .map((f) => `${f.kind}: ${f.detail}${f.argv ? ` <- ${JSON.stringify(f.argv)}` : ''}`)
    .join('\n');
}

async function run(seed: number): Promise<void> {
  const report = await fuzz({ seed, seconds: SECONDS });
  console.log(
    `# fuzz seed ${seed}: ${report.batches} batches, ${report.commands} commands, ${report.frames} frames, heap +${(report.heapGrowthBytes / 2 ** 20).toFixed(1)} MB`,
  );
  assert.equal(report.findings.length, 0, `seed ${seed}:\n${describeFindings(report)}`);
  assert.ok(report.commands > 500 && report.frames > 10, 'the run did too little to mean much');
}

describe('the fuzz harness', { timeout: 120_000 }, () => {
  it('finds nothing with the fixed seed: no crash, hang, internal error or inconsistency', () =>
    run(FIXED_SEED));

  it('finds nothing with a random seed (logged to replay it)', () =>
    run(Math.floor(Math.random() * 2 ** 31)));

  it('reports a handler that throws, with the command line that reproduces it alone', async () => {
    const report = await fuzz({
      seed: 1,
      // The run ends at its first finding, within seconds; the bound is for a loaded machine.
      seconds: 60,
      prepare: (server) => {
        Reflect.set(server.commands.get('strlen')!, 'handler', () => {
          throw new Error('planted');
        });
      },
    });
    const finding = report.findings[0];
    assert.equal(finding?.kind, 'internal error', describeFindings(report));
    assert.equal(finding.detail, "'strlen': planted");
    assert.equal(finding.argv?.[0], 'strlen');
  });
});
