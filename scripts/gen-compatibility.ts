/**
 * Generates docs/compatibility.md (every Redis 7.0 command and subcommand, grouped as Redis groups
 * them, with Kvik's status) and the summary table of README.md between its compat markers, from
 * the command declarations (src/commands/) and Redis 7.0's command list
 * (src/commands/docs/redis-7.0-docs.json).
 *
 *   npm run gen:compat               writes both files
 *   npm run gen:compat -- --check    exits 1 with a diff if either is stale (CI)
 *
 * Deliberate differences from Redis are declared in DIFFERENCES below: add one there when Kvik
 * departs from Redis on purpose, and the commands it names show "implemented, with a difference".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { ALL_COMMANDS } from '../src/commands/index.js';
import {
  LATER_COMMANDS,
  REDIS_COMMANDS,
  REDIS_DOCS_VERSION,
  documentedSubcommands,
} from '../src/commands/docs.js';
import { CommandTable } from '../src/dispatch/table.js';
import { lineDiff } from '../test/meta/report.js';

interface Difference {
  title: string;
  /** The full names of the commands concerned ('set', 'client|kill'); empty for the protocol. */
  commands: string[];
  text: string;
}

/** Where Kvik differs from Redis 7.0 on purpose. */
const DIFFERENCES: Difference[] = [
  {
    title: 'Bulk strings of 512 MB',
    commands: [],
    text:
      'A bulk string longer than 536,870,888 bytes (512 MB minus 24 bytes) is refused with the ' +
      'protocol error `invalid bulk length`, even where proto-max-bulk-len allows more: V8, the ' +
      "JavaScript engine, cannot hold a string longer than 2^29-24 characters. Redis's default " +
      'limit is 512 MB, so only values within 24 bytes of it are affected.',
  },
  {
    title: 'CLIENT KILL MAXAGE',
    commands: ['client|kill'],
    text:
      'CLIENT KILL also takes the MAXAGE filter of Redis 7.4 (the connections at least that many ' +
      'seconds old), which Redis 7.0 refuses with a syntax error.',
  },
  {
    title: 'Lua 5.4 under a Lua 5.1 surface',
    commands: ['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro', 'function|load'],
    text:
      'Scripts run on Lua 5.4 (wasmoon), dressed as the Lua 5.1 Redis embeds: tostring, ' +
      'string.format and table.concat print numbers as 5.1 does, 5.1 error messages and library ' +
      "functions are there, and the sandbox, conversions and errors are Redis 7.0's. What shows " +
      'through: the `..` operator prints an integral float with ".0" (`"n" .. 10/2` is "n5.0", ' +
      'not "n5"), integers are exact 64-bit values (5.1 rounds them above 2^53), 5.3 syntax ' +
      '(`//`, bitwise operators, goto) compiles, tables iterate in another order (pairs, and so ' +
      'map and set replies), and cjson.null is a light userdata printed differently.',
  },
  {
    title: 'Scripting extras',
    commands: ['eval', 'script|debug', 'function|dump'],
    text:
      "redis.set_repl is checked but changes nothing: a script's writes always replicate, as " +
      'with REPL_ALL. redis.log checks its arguments and logs nothing (Kvik has no server log). ' +
      'SCRIPT DEBUG YES and SYNC (the Lua debugger) are refused. FUNCTION DUMP lists several ' +
      "libraries in Kvik's order where Redis follows its hash table; both servers restore either.",
  },
  {
    title: 'MIGRATE waits without blocking the server',
    commands: ['migrate'],
    text:
      'Redis blocks while MIGRATE talks to its target. Kvik, outside MULTI and scripts, waits as a ' +
      'blocked client does: other clients are served meanwhile (so a target in the same process ' +
      'can answer), and a key written meanwhile is kept instead of deleted. Inside MULTI and ' +
      'scripts it waits with the whole server, as Redis. Connections are not cached between ' +
      'calls, so each MIGRATE sends SELECT.',
  },
  {
    title: 'Intset widths in DUMP payloads',
    commands: ['dump'],
    text:
      'Redis keeps the wider integer width of an intset after the members that needed it are ' +
      'removed; Kvik writes the narrowest width its members need. The payloads differ by those ' +
      'bytes, and both servers restore either.',
  },
  {
    title: 'SORT ALPHA in the C locale',
    commands: ['sort', 'sort_ro'],
    text:
      "SORT ... ALPHA compares strings byte by byte up to a NUL byte, as Redis's strcoll does in " +
      'the C and C.UTF-8 locales. A redis-server started in another locale (en_US.UTF-8 ...) ' +
      "orders strings by that locale's collation rules instead.",
  },
  {
    title: 'Geo distances to the last digit',
    commands: ['geosearchstore', 'georadius', 'georadiusbymember'],
    text:
      'Distances are computed with correctly rounded sin, cos and asin. glibc, whose functions ' +
      'Redis calls, rounds a few near-halfway results the other way, so about one distance in a ' +
      'thousand stored by STOREDIST differs from Redis in its last binary digit (the 17th ' +
      'significant decimal digit). Search results, their order and WITHDIST agree, but for a ' +
      'point within a few units in the last place of the edge of the search.',
  },
  {
    title: 'Memory is estimated, not allocated',
    commands: ['memory|usage', 'memory|stats', 'memory|doctor', 'memory|malloc-stats'],
    text:
      'Node has no allocator to ask, so used_memory (INFO, MEMORY STATS, maxmemory) is a sum of ' +
      "estimates kept as keys are written: each key's bytes from V8's object layouts, with " +
      'collections measured by their element count and a few sampled elements, plus a fixed ' +
      "startup figure, a cost per client and the clients' buffers (see " +
      'src/keyspace/memory-estimate.ts; tests hold it within 25% of the real heap growth of ' +
      'every type). Each server counts its own data, also when several share a process. The ' +
      "allocator and RSS fields describe the whole process's V8 heap; MEMORY MALLOC-STATS " +
      'has no allocator report to give, and MEMORY DOCTOR leaves out the fragmentation checks. ' +
      'Keys with a TTL are sampled for the volatile-* policies by a walk round the expires ' +
      'table instead of at random. maxmemory-clients is enforced by the cron (10 times a second ' +
      'by default) rather than before each command.',
  },
  {
    title: 'ACL rule descriptions',
    commands: ['acl|getuser', 'acl|list', 'acl|save', 'config|rewrite'],
    text:
      'ACL GETUSER, ACL LIST, ACL SAVE and CONFIG REWRITE describe the commands of a user as ' +
      'Redis 7.0 does (+@all or -@all, then the categories that fit best, then single commands), ' +
      "but list the single commands in declaration order: Redis lists them in its command table's " +
      'hash order, which changes from one start to the next. Which categories fit best depends ' +
      "on the whole command table, and Kvik's is not exactly Redis 7.0's (it has CLIENT SETINFO " +
      'and NO-TOUCH of Redis 7.2, not yet the cluster commands), so a user allowed a whole ' +
      'container (+client) may be described by other rules that allow the same commands.',
  },
  {
    title: 'No modules',
    commands: ['module|load', 'module|loadex', 'module|unload', 'module|list'],
    text:
      'Kvik loads no Redis modules: MODULE LIST is empty, and MODULE LOAD and LOADEX fail as ' +
      'Redis does for a library it cannot load (once enable-module-command allows them).',
  },
  {
    title: 'Listening is asynchronous',
    commands: ['config|set'],
    text:
      'Node binds sockets asynchronously, so CONFIG SET port, tls-port or bind replies before the ' +
      'new listeners are open: where Redis replies "Unable to listen on this port", Kvik\'s reply ' +
      'is OK, then the bind fails, a warning is logged, and the parameters return to the values ' +
      'the server still listens with.',
  },
  {
    title: 'Latency events',
    commands: ['latency|latest', 'latency|history', 'latency|graph', 'latency|doctor'],
    text:
      'The latency monitor records the events Kvik has: command, fast-command and expire-cycle. ' +
      'Events of work Kvik does without fork or blocking file calls (fork, aof-fsync-always, ' +
      'aof-write ...) never occur, and LATENCY DOCTOR gives only the advice for the events it ' +
      'records (it has no transparent huge pages check).',
  },
  {
    title: 'Snapshots without fork',
    commands: ['bgsave', 'bgrewriteaof', 'debug'],
    text:
      'Node cannot fork, so BGSAVE and BGREWRITEAOF write the dataset of their start instant ' +
      'from an incremental walk inside the server process (a key about to change is copied ' +
      "first), a few milliseconds per event-loop turn: INFO's fork and copy-on-write fields " +
      '(current_fork_perc, rdb_last_cow_size ...) stay 0. An AOF base in command form ' +
      '(aof-use-rdb-preamble no) holds streams as RESTORE of their DUMP payload. A server embedded with ' +
      'startServer has no save rules unless given some, and loads from disk only when given a dir. ' +
      "DEBUG HTSTATS and HTSTATS-KEY describe Kvik's open-addressed tables in Redis's lines (the " +
      'keys sharing a home position count as a chain; no rehashing table ever shows), DEBUG ' +
      "LISTPACK and QUICKLIST print the elements rather than Redis's node bytes, and the DEBUG " +
      "subcommands that need Redis's C internals (SEGFAULT, MALLCTL, SDSLEN, REPLYBUFFER ...) " +
      'reply that Kvik does not support them. DEBUG DIGEST and DIGEST-VALUE give the digests Redis gives.',
  },
];

/** DIFFERENCES, plus the commands Kvik has from Redis versions after 7.0. */
function differences(declared: Set<string>): Difference[] {
  const later = Object.keys(LATER_COMMANDS).filter((name) => declared.has(name));
  if (later.length === 0) return DIFFERENCES;
  const described = later.map(
    (name) => `${displayName(name)} (Redis ${LATER_COMMANDS[name].since.replace(/\.0$/, '')})`,
  );
  return [
    ...DIFFERENCES,
    {
      title: 'Commands from later Redis versions',
      commands: later,
      text:
        'Some commands that client libraries send or rely on are available although they came ' +
        `after Redis 7.0: ${described.join(', ')}.`,
    },
  ];
}

/** Redis's command groups, in Redis's order, with their titles. */
const GROUPS: readonly (readonly [string, string])[] = [
  ['generic', 'Keys'],
  ['string', 'Strings'],
  ['list', 'Lists'],
  ['set', 'Sets'],
  ['sorted-set', 'Sorted sets'],
  ['hash', 'Hashes'],
  ['pubsub', 'Pub/sub'],
  ['transactions', 'Transactions'],
  ['connection', 'Connection'],
  ['server', 'Server'],
  ['scripting', 'Scripting and functions'],
  ['hyperloglog', 'HyperLogLog'],
  ['cluster', 'Cluster'],
  ['sentinel', 'Sentinel'],
  ['geo', 'Geo'],
  ['stream', 'Streams'],
  ['bitmap', 'Bitmaps'],
];

const COMPAT_PATH = 'docs/compatibility.md';
const README_PATH = 'README.md';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_MARKER = '<!-- compat:start -->';
const END_MARKER = '<!-- compat:end -->';

interface Row {
  fullName: string;
  summary: string;
  group: string;
  implemented: boolean;
  /** Numbers (1-based) of the differences that concern this command. */
  differences: number[];
  /** The Redis version a later command comes from, else undefined. */
  laterSince?: string;
}

function displayName(fullName: string): string {
  return fullName.replace('|', ' ').toUpperCase();
}

function declaredNames(): Set<string> {
  const names = new Set<string>();
  for (const command of new CommandTable(ALL_COMMANDS).all()) {
    names.add(command.fullName);
    for (const sub of command.subcommands?.values() ?? []) names.add(sub.fullName);
  }
  return names;
}

function collectRows(declared: Set<string>, diffs: Difference[]): Row[] {
  const differencesOf = (name: string) =>
    diffs.flatMap((d, i) => (d.commands.includes(name) ? [i + 1] : []));
  const row = (fullName: string, summary: string, group: string): Row => ({
    fullName,
    summary,
    group,
    implemented: declared.has(fullName),
    differences: differencesOf(fullName),
  });
  const rows: Row[] = [];
  for (const [name, docs] of Object.entries(REDIS_COMMANDS)) {
    rows.push(row(name, docs.summary, docs.group));
    for (const [subName, subDocs] of Object.entries(documentedSubcommands(docs))) {
      rows.push(row(subName, subDocs.summary, subDocs.group));
    }
  }
  for (const [name, docs] of Object.entries(LATER_COMMANDS)) {
    if (declared.has(name))
      rows.push({ ...row(name, docs.summary, docs.group), laterSince: docs.since });
  }
  const known = new Set(rows.map((r) => r.fullName));
  const unknown = [...declared].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `declared but neither in Redis 7.0 nor in src/commands/docs/beyond-7.0-docs.json: ${unknown.join(', ')}`,
    );
  }
  const misnamed = diffs.flatMap((d) => d.commands).filter((name) => !known.has(name));
  if (misnamed.length > 0) throw new Error(`DIFFERENCES name unknown commands: ${misnamed}`);
  return rows.sort((a, b) => (a.fullName < b.fullName ? -1 : 1));
}

function status(row: Row): string {
  if (!row.implemented) return 'not yet';
  const notes = row.differences.map((n) => `[(${n})](#difference-${n})`).join(' ');
  if (row.laterSince !== undefined) return `yes, from Redis ${row.laterSince} ${notes}`;
  return row.differences.length > 0 ? `yes, with a difference ${notes}` : 'yes';
}

/** Group -> [implemented, total] over the Redis 7.0 commands (later ones are extra). */
function totals(rows: Row[]): Map<string, [number, number]> {
  const byGroup = new Map<string, [number, number]>();
  for (const row of rows) {
    if (row.laterSince !== undefined) continue;
    const counts = byGroup.get(row.group) ?? [0, 0];
    if (row.implemented) counts[0]++;
    counts[1]++;
    byGroup.set(row.group, counts);
  }
  return byGroup;
}

/** GitHub's anchor for a heading. */
function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function tableCell(text: string): string {
  return text.trim().replace(/\|/g, '\\|');
}

/** The group -> implemented/total table; `link` gives a group title's target, or ''. */
function summaryTable(rows: Row[], link: (title: string) => string): string[] {
  const counts = totals(rows);
  let implemented = 0;
  let total = 0;
  const lines = ['| Group | Implemented |', '| --- | ---: |'];
  for (const [group, title] of GROUPS) {
    const [done, all] = counts.get(group) ?? [0, 0];
    if (all === 0) continue;
    implemented += done;
    total += all;
    const target = link(title);
    lines.push(`| ${target === '' ? title : `[${title}](${target})`} | ${done} / ${all} |`);
  }
  lines.push(`| **All** | **${implemented} / ${total}** |`);
  return lines;
}

function compatibilityDocument(rows: Row[], diffs: Difference[]): string {
  const lines = [
    '# Redis compatibility',
    '',
    `<!-- Generated by \`npm run gen:compat\` (scripts/gen-compatibility.ts). Do not edit. -->`,
    '',
    `Kvik aims to be a drop-in Redis ${REDIS_DOCS_VERSION} server. This page lists every command and`,
    'subcommand of Redis 7.0, grouped as Redis groups them, with whether Kvik has it. It is generated',
    'from the command declarations, so it is always current. The counts include containers',
    '(CONFIG) and each of their subcommands (CONFIG GET), as COMMAND LIST shows them.',
    '',
    ...summaryTable(rows, (title) => `#${slug(title)}`),
    '',
    '## Differences',
    '',
    'Where Kvik departs from Redis 7.0 on purpose:',
    '',
  ];
  diffs.forEach((d, i) => {
    lines.push(`<a id="difference-${i + 1}"></a>${i + 1}. **${d.title}.** ${d.text}`, '');
  });
  for (const [group, title] of GROUPS) {
    const groupRows = rows.filter((r) => r.group === group);
    if (groupRows.length === 0) continue;
    lines.push(`## ${title}`, '');
    lines.push('| Command | Kvik | Summary |', '| --- | --- | --- |');
    for (const row of groupRows) {
      lines.push(`| ${displayName(row.fullName)} | ${status(row)} | ${tableCell(row.summary)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function readmeWithSummary(readme: string, rows: Row[]): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`${README_PATH} lacks the compat markers`);
  const section = [
    START_MARKER,
    ...summaryTable(rows, () => ''),
    '',
    `Every command and its status: [${COMPAT_PATH}](${COMPAT_PATH}).`,
    END_MARKER,
  ].join('\n');
  return readme.slice(0, start) + section + readme.slice(end + END_MARKER.length);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const declared = declaredNames();
  const diffs = differences(declared);
  const rows = collectRows(declared, diffs);
  // README.md is checked by prettier: write its section the way prettier lays tables out.
  const readme = await prettier.format(readmeWithSummary(readOrEmpty(README_PATH), rows), {
    ...(await prettier.resolveConfig(ROOT + README_PATH)),
    filepath: ROOT + README_PATH,
  });
  const outputs: [string, string][] = [
    [COMPAT_PATH, compatibilityDocument(rows, diffs)],
    [README_PATH, readme],
  ];
  let stale = false;
  for (const [path, content] of outputs) {
    const current = readOrEmpty(path);
    if (current === content) continue;
    if (!check) {
      mkdirSync(dirname(ROOT + path), { recursive: true });
      writeFileSync(ROOT + path, content);
      console.log(`wrote ${path}`);
      continue;
    }
    stale = true;
    console.log(`${path} is stale; run npm run gen:compat (- committed, + generated):`);
    console.log(lineDiff(current, content));
  }
  if (stale) process.exit(1);
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(ROOT + path, 'utf8');
  } catch {
    return '';
  }
}

await main();
