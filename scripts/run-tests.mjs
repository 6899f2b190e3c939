#!/usr/bin/env node
// Runs every test file under test/ with Node's test runner through tsx.
// Usage: npm test [-- path/or/substring ...]  (filters test files by substring)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'helpers' ? [] : collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const ensured = spawnSync('bash', ['scripts/ensure-reference-redis.sh'], { stdio: 'inherit' });
if (ensured.status !== 0) process.exit(ensured.status ?? 1);

const filters = process.argv.slice(2);
const files = collect('test')
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
