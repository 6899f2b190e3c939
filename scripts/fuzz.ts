/**
 * Long fuzz runs: `npm run fuzz -- --seconds N [--seed S]` runs test/fuzz/harness.ts against an
 * in-process Kvik, printing progress and any finding; the exit status is 1 on a finding.
 * Without --seed a random one is drawn and printed first, so any run can be replayed.
 */
import { parseArgs } from 'node:util';
import { fuzz } from '../test/fuzz/harness.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    'batch-size': { type: 'string', default: '100' },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const seconds = Number(values.seconds);
if (!Number.isFinite(seed) || !(seconds > 0)) {
  console.error('usage: npm run fuzz -- [--seconds N] [--seed S] [--batch-size B]');
  process.exit(2);
}
console.log(`# fuzz: seed ${seed}, ${seconds} s`);
const report = await fuzz({
  seed,
  seconds,
  batchSize: Number(values['batch-size']),
  log: (line) => console.log(line),
});
console.log(
  `# ${report.batches} batches, ${report.commands} commands, ${report.frames} frames, heap +${(report.heapGrowthBytes / 2 ** 20).toFixed(1)} MB`,
);
for (const finding of report.findings) {
  console.log(`FINDING ${finding.kind}: ${finding.detail}`);
  if (finding.argv) console.log(`  reproduce: ${JSON.stringify(finding.argv)}`);
}
process.exit(report.findings.length === 0 ? 0 : 1);
