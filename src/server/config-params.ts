/**
 * Every configuration parameter of Redis 7.0, with its type, default, limits, alias and flags, in
 * the order of Redis's config.c. Parameters whose feature comes later (persistence, replication,
 * cluster, TLS ...) are accepted and kept with their real defaults, so that redis.conf files and
 * CONFIG GET behave as with Redis.
 */
import {
  boolType,
  enumType,
  flagsEnumType,
  INT_MAX,
  INT_MIN,
  LLONG_MAX,
  numericType,
  PROTECTED_ACTION,
  stringType,
  U64_MAX,
  UINT_MAX,
  type NumericOptions,
  type ParamType,
  type StringOptions,
} from './config-values.js';
import {
  bindType,
  dirType,
  notifyEventsType,
  oomScoreValuesType,
  outputBufferLimitsType,
  percentilesType,
  replicaOfType,
  saveType,
  type OutputBufferLimits,
} from './config-special.js';

export interface ParamFlags {
  /** Only settable at startup (IMMUTABLE_CONFIG). */
  immutable?: boolean;
  /** CONFIG SET needs enable-protected-configs (PROTECTED_CONFIG). */
  protected?: boolean;
  /** Left out of CONFIG GET patterns; an exact name still works (HIDDEN_CONFIG). */
  hidden?: boolean;
}

export interface ParamSpec<T = unknown> extends ParamFlags {
  name: string;
  /** The other name Redis accepts (the old "slave" and "ziplist" names). */
  alias?: string;
  type: ParamType<T>;
  /** The default, or a function computing it per server (dir). */
  default: T | (() => T);
  /** Applied to every new value (hz is capped into 1..500 as Redis's updateHZ does). */
  normalize?: (value: T) => T;
}

type AnyParam = ParamSpec<unknown>;

const IMMUTABLE: ParamFlags = { immutable: true };
const HIDDEN: ParamFlags = { hidden: true };
const PROTECTED: ParamFlags = { protected: true };
const LONG_MAX = LLONG_MAX;
const SSIZE_MAX = LLONG_MAX;

function param<T>(spec: ParamSpec<T>): AnyParam {
  return spec as unknown as AnyParam;
}

function bool(name: string, value: boolean, flags: ParamFlags = {}, alias?: string): AnyParam {
  return param({ name, alias, type: boolType, default: value, ...flags });
}

const NO_DEFRAG =
  'Active defragmentation cannot be enabled: it requires a Redis server compiled with a ' +
  'modified Jemalloc like the one shipped by default with the Redis source distribution';

/** A yes/no parameter whose "yes" is refused with `reason`. */
function refusingYes(reason: string): ParamType<boolean> {
  return {
    ...boolType,
    parse(args, context) {
      const parsed = boolType.parse(args, context);
      return 'value' in parsed && parsed.value ? { error: reason } : parsed;
    },
  };
}

function str(
  name: string,
  value: string | null,
  options: StringOptions & ParamFlags & { alias?: string } = {},
): AnyParam {
  const { alias, immutable, protected: isProtected, hidden, ...typeOptions } = options;
  return param({
    name,
    alias,
    type: stringType(typeOptions),
    default: value,
    immutable,
    protected: isProtected,
    hidden,
  });
}

/** EMPTY_STRING_IS_NULL strings whose default is NULL. */
function nullable(name: string, flags: ParamFlags = {}, alias?: string): AnyParam {
  return str(name, null, { emptyIsNull: true, alias, ...flags });
}

function enumeration(
  name: string,
  choices: readonly (readonly [string, number])[],
  value: string,
  flags: ParamFlags = {},
): AnyParam {
  return param({ name, type: enumType(choices), default: value, ...flags });
}

/** shutdown-on-sigint / shutdown-on-sigterm: SHUTDOWN's flags for a signal. */
function shutdownOnSignal(name: string): AnyParam {
  const choices = [
    ['default', 0],
    ['save', 1],
    ['nosave', 2],
    ['now', 4],
    ['force', 8],
  ] as const;
  const type = flagsEnumType(choices, (flags) =>
    (flags & 1) !== 0 && (flags & 2) !== 0
      ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
      : null,
  );
  return param({ name, type, default: 0 });
}

function num(
  name: string,
  value: number | bigint,
  min: number | bigint,
  max: number | bigint,
  options: Partial<NumericOptions> & ParamFlags & { alias?: string } = {},
): AnyParam {
  const { alias, immutable, protected: isProtected, hidden, ...numeric } = options;
  return param({
    name,
    alias,
    type: numericType({ ...numeric, min: BigInt(min), max: BigInt(max) }),
    default: BigInt(value),
    immutable,
    protected: isProtected,
    hidden,
  });
}

const MB = 1024 * 1024;

/** Redis's CONFIG_MIN_HZ and CONFIG_MAX_HZ. */
export const MIN_HZ = 1;
export const MAX_HZ = 500;

export const DEFAULT_OUTPUT_BUFFER_LIMITS: OutputBufferLimits = {
  normal: { hard: 0n, soft: 0n, seconds: 0 },
  replica: { hard: 256n * 1024n * 1024n, soft: 64n * 1024n * 1024n, seconds: 60 },
  pubsub: { hard: 32n * 1024n * 1024n, soft: 8n * 1024n * 1024n, seconds: 60 },
};

/** sdstemplate's syntax with the variables of proc-title-template. */
const PROC_TITLE_VARIABLES = new Set([
  'title',
  'listen-addr',
  'server-mode',
  'port',
  'tls-port',
  'unixsocket',
  'config-file',
]);

/** validateProcTitleTemplate: known {variables}, {{ for a brace, and something left to show. */
function validateProcTitleTemplate(template: string): string | null {
  const invalid = 'template format is invalid or contains unknown variables';
  let shown = '';
  for (let i = 0; i < template.length;) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      shown += template.slice(i);
      break;
    }
    shown += template.slice(i, open);
    if (open + 1 >= template.length) return invalid;
    if (template[open + 1] === '{') {
      shown += '{';
      i = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    if (close < 0 || !PROC_TITLE_VARIABLES.has(template.slice(open + 1, close))) return invalid;
    // Validation expands {title} to nothing; the other variables always show something.
    if (template.slice(open + 1, close) !== 'title') shown += 'x';
    i = close + 1;
  }
  return shown.trim() === '' ? invalid : null;
}

/** pathIsBaseName: no directory separators. */
function isBaseName(value: string): boolean {
  return !value.includes('/') && !value.includes('\\');
}

function validateHostname(value: string): string | null {
  if (value.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(value)) {
    return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  }
  return null;
}

function validateFileName(kind: 'appendfilename' | 'appenddirname', what: string) {
  return (value: string): string | null => {
    if (value === '') return `${kind} can't be empty`;
    return isBaseName(value) ? null : `${kind} can't be a path, just a ${what}`;
  };
}

export const CONFIG_PARAMS: readonly AnyParam[] = [
  // Booleans
  bool('rdbchecksum', true, IMMUTABLE),
  bool('daemonize', false, IMMUTABLE),
  bool('io-threads-do-reads', false, IMMUTABLE),
  bool('always-show-logo', false, IMMUTABLE),
  bool('protected-mode', true),
  bool('rdbcompression', true),
  bool('rdb-del-sync-files', false),
  bool('activerehashing', true),
  bool('stop-writes-on-bgsave-error', true),
  bool('set-proc-title', true, IMMUTABLE),
  bool('dynamic-hz', true),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  bool('repl-disable-tcp-nodelay', false),
  bool('repl-diskless-sync', true),
  bool('aof-rewrite-incremental-fsync', true),
  bool('no-appendfsync-on-rewrite', false),
  bool('cluster-require-full-coverage', true),
  bool('rdb-save-incremental-fsync', true),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-timestamp-enabled', false),
  bool('cluster-replica-no-failover', false, {}, 'cluster-slave-no-failover'),
  bool('replica-lazy-flush', false, {}, 'slave-lazy-flush'),
  bool('replica-serve-stale-data', true, {}, 'slave-serve-stale-data'),
  bool('replica-read-only', true, {}, 'slave-read-only'),
  bool('replica-ignore-maxmemory', true, {}, 'slave-ignore-maxmemory'),
  bool('jemalloc-bg-thread', true),
  // Kvik has no allocator to defragment; Redis answers the same without its own jemalloc.
  param({ name: 'activedefrag', type: refusingYes(NO_DEFRAG), default: false }),
  bool('syslog-enabled', false, IMMUTABLE),
  bool('cluster-enabled', false, IMMUTABLE),
  bool('appendonly', false),
  bool('cluster-allow-reads-when-down', false),
  bool('cluster-allow-pubsubshard-when-down', true),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  bool('use-exit-on-panic', false, HIDDEN),
  bool('disable-thp', true, IMMUTABLE),
  bool('cluster-allow-replica-migration', true),
  bool('replica-announced', true),
  bool('latency-tracking', true),
  bool('aof-disable-auto-gc', false),
  bool('replica-ignore-disk-write-errors', false),

  // Strings
  str('aclfile', '', IMMUTABLE),
  nullable('unixsocket', IMMUTABLE),
  nullable('pidfile', IMMUTABLE),
  nullable('replica-announce-ip', {}, 'slave-announce-ip'),
  nullable('masteruser'),
  nullable('cluster-announce-ip'),
  str('cluster-config-file', 'nodes.conf', IMMUTABLE),
  str('cluster-announce-hostname', null, { emptyIsNull: true, validate: validateHostname }),
  str('syslog-ident', 'redis', IMMUTABLE),
  str('dbfilename', 'dump.rdb', {
    ...PROTECTED,
    validate: (v) => (isBaseName(v) ? null : "dbfilename can't be a path, just a filename"),
  }),
  str('appendfilename', 'appendonly.aof', {
    ...IMMUTABLE,
    validate: validateFileName('appendfilename', 'filename'),
  }),
  str('appenddirname', 'appendonlydir', {
    ...IMMUTABLE,
    validate: validateFileName('appenddirname', 'dirname'),
  }),
  nullable('server_cpulist', IMMUTABLE),
  nullable('bio_cpulist', IMMUTABLE),
  nullable('aof_rewrite_cpulist', IMMUTABLE),
  nullable('bgsave_cpulist', IMMUTABLE),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', {
    validate: validateProcTitleTemplate,
  }),
  nullable('bind-source-addr'),
  str('logfile', '', IMMUTABLE),
  nullable('masterauth'),
  nullable('requirepass'),

  // Enumerations
  enumeration(
    'supervised',
    [
      ['upstart', 1],
      ['systemd', 2],
      ['auto', 3],
      ['no', 0],
    ],
    'no',
    IMMUTABLE,
  ),
  enumeration(
    'syslog-facility',
    ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'].map(
      (name, i) => [name, i] as const,
    ),
    'local0',
    IMMUTABLE,
  ),
  enumeration(
    'repl-diskless-load',
    [
      ['disabled', 0],
      ['on-empty-db', 1],
      ['swapdb', 2],
    ],
    'disabled',
  ),
  enumeration(
    'loglevel',
    [
      ['debug', 0],
      ['verbose', 1],
      ['notice', 2],
      ['warning', 3],
    ],
    'notice',
  ),
  enumeration(
    'maxmemory-policy',
    [
      'volatile-lru',
      'volatile-lfu',
      'volatile-random',
      'volatile-ttl',
      'allkeys-lru',
      'allkeys-lfu',
      'allkeys-random',
      'noeviction',
    ].map((name, i) => [name, i] as const),
    'noeviction',
  ),
  enumeration(
    'appendfsync',
    [
      ['everysec', 0],
      ['always', 1],
      ['no', 2],
    ],
    'everysec',
  ),
  enumeration(
    'oom-score-adj',
    [
      ['no', 0],
      ['yes', 1],
      ['relative', 1],
      ['absolute', 2],
    ],
    'no',
  ),
  enumeration(
    'acl-pubsub-default',
    [
      ['allchannels', 1],
      ['resetchannels', 0],
    ],
    'resetchannels',
  ),
  enumeration(
    'sanitize-dump-payload',
    [
      ['no', 0],
      ['yes', 1],
      ['clients', 2],
    ],
    'no',
  ),
  enumeration('enable-protected-configs', PROTECTED_ACTION, 'no', IMMUTABLE),
  enumeration('enable-debug-command', PROTECTED_ACTION, 'no', IMMUTABLE),
  enumeration('enable-module-command', PROTECTED_ACTION, 'no', IMMUTABLE),
  enumeration(
    'propagation-error-behavior',
    [
      ['ignore', 0],
      ['panic', 1],
      ['panic-on-replicas', 2],
    ],
    'ignore',
  ),
  shutdownOnSignal('shutdown-on-sigint'),
  shutdownOnSignal('shutdown-on-sigterm'),
  enumeration(
    'cluster-preferred-endpoint-type',
    [
      ['ip', 0],
      ['hostname', 1],
      ['unknown-endpoint', 2],
    ],
    'ip',
  ),

  // Signed integers (int, long long, time_t, off_t)
  num('databases', 16, 1, INT_MAX, IMMUTABLE),
  num('port', 6379, 0, 65535),
  num('io-threads', 1, 1, 128, IMMUTABLE),
  num('auto-aof-rewrite-percentage', 100, 0, INT_MAX),
  num('cluster-replica-validity-factor', 10, 0, INT_MAX, {
    alias: 'cluster-slave-validity-factor',
  }),
  num('list-max-listpack-size', -2, INT_MIN, INT_MAX, { alias: 'list-max-ziplist-size' }),
  num('tcp-keepalive', 300, 0, INT_MAX),
  num('cluster-migration-barrier', 1, 0, INT_MAX),
  num('active-defrag-cycle-min', 1, 1, 99),
  num('active-defrag-cycle-max', 25, 1, 99),
  num('active-defrag-threshold-lower', 10, 0, 1000),
  num('active-defrag-threshold-upper', 100, 0, 1000),
  num('lfu-log-factor', 10, 0, INT_MAX),
  num('lfu-decay-time', 1, 0, INT_MAX),
  num('replica-priority', 100, 0, INT_MAX, { alias: 'slave-priority' }),
  num('repl-diskless-sync-delay', 5, 0, INT_MAX),
  num('maxmemory-samples', 5, 1, INT_MAX),
  num('maxmemory-eviction-tenacity', 10, 0, 100),
  num('timeout', 0, 0, INT_MAX),
  num('replica-announce-port', 0, 0, 65535, { alias: 'slave-announce-port' }),
  num('tcp-backlog', 511, 0, INT_MAX, IMMUTABLE),
  num('cluster-port', 0, 0, 65535, IMMUTABLE),
  num('cluster-announce-bus-port', 0, 0, 65535),
  num('cluster-announce-port', 0, 0, 65535),
  num('cluster-announce-tls-port', 0, 0, 65535),
  num('repl-timeout', 60, 1, INT_MAX),
  num('repl-ping-replica-period', 10, 1, INT_MAX, { alias: 'repl-ping-slave-period' }),
  num('list-compress-depth', 0, 0, INT_MAX),
  num('rdb-key-save-delay', 0, INT_MIN, INT_MAX, HIDDEN),
  num('key-load-delay', 0, INT_MIN, INT_MAX, HIDDEN),
  num('active-expire-effort', 1, 1, 10),
  param({
    ...(num('hz', 10, 0, INT_MAX) as ParamSpec<bigint>),
    normalize: (hz: bigint) => (hz < MIN_HZ ? BigInt(MIN_HZ) : hz > MAX_HZ ? BigInt(MAX_HZ) : hz),
  }),
  num('min-replicas-to-write', 0, 0, INT_MAX, { alias: 'min-slaves-to-write' }),
  num('min-replicas-max-lag', 10, 0, INT_MAX, { alias: 'min-slaves-max-lag' }),
  num('watchdog-period', 0, 0, INT_MAX, HIDDEN),
  num('shutdown-timeout', 10, 0, INT_MAX),
  num('repl-diskless-sync-max-replicas', 0, 0, INT_MAX),

  // Unsigned int
  num('maxclients', 10000, 1, UINT_MAX, { unsigned: true }),
  num('unixsocketperm', 0, 0, 0o777, { unsigned: true, octal: true, ...IMMUTABLE }),
  num('socket-mark-id', 0, 0, UINT_MAX, { unsigned: true, ...IMMUTABLE }),

  // Unsigned long (bounds checked as signed, as Redis does)
  num('active-defrag-max-scan-fields', 1000, 1, LONG_MAX),
  num('slowlog-max-len', 128, 0, LONG_MAX),
  num('acllog-max-len', 128, 0, LONG_MAX),

  // Long long
  num('busy-reply-threshold', 5000, 0, LONG_MAX, { alias: 'lua-time-limit' }),
  num('cluster-node-timeout', 15000, 0, LLONG_MAX),
  num('slowlog-log-slower-than', 10000, -1, LLONG_MAX),
  num('latency-monitor-threshold', 0, 0, LLONG_MAX),
  num('proto-max-bulk-len', 512 * MB, MB, LONG_MAX, { memory: true }),
  num('stream-node-max-entries', 100, 0, LLONG_MAX),
  num('repl-backlog-size', MB, 1, LLONG_MAX, { memory: true }),

  // Unsigned long long
  num('maxmemory', 0, 0, U64_MAX, { memory: true, unsigned: true }),
  num('cluster-link-sendbuf-limit', 0, 0, U64_MAX, { memory: true, unsigned: true }),

  // size_t / ssize_t
  num('hash-max-listpack-entries', 512, 0, LONG_MAX, {
    unsigned: true,
    alias: 'hash-max-ziplist-entries',
  }),
  num('set-max-intset-entries', 512, 0, LONG_MAX, { unsigned: true }),
  num('zset-max-listpack-entries', 128, 0, LONG_MAX, {
    unsigned: true,
    alias: 'zset-max-ziplist-entries',
  }),
  num('active-defrag-ignore-bytes', 100 * MB, 1, LLONG_MAX, { unsigned: true, memory: true }),
  num('hash-max-listpack-value', 64, 0, LONG_MAX, {
    unsigned: true,
    memory: true,
    alias: 'hash-max-ziplist-value',
  }),
  num('stream-node-max-bytes', 4096, 0, LONG_MAX, { unsigned: true, memory: true }),
  num('zset-max-listpack-value', 64, 0, LONG_MAX, {
    unsigned: true,
    memory: true,
    alias: 'zset-max-ziplist-value',
  }),
  num('hll-sparse-max-bytes', 3000, 0, LONG_MAX, { unsigned: true, memory: true }),
  num('tracking-table-max-keys', 1000000, 0, LONG_MAX, { unsigned: true }),
  num('client-query-buffer-limit', 1024 * MB, MB, LONG_MAX, { unsigned: true, memory: true }),
  num('maxmemory-clients', 0, -100, SSIZE_MAX, { memory: true, percent: true }),

  // time_t / off_t
  num('repl-backlog-ttl', 3600, 0, LONG_MAX),
  num('auto-aof-rewrite-min-size', 64 * MB, 0, LLONG_MAX, { memory: true }),
  num('loading-process-events-interval-bytes', 2 * MB, 1024, INT_MAX, HIDDEN),

  // TLS
  num('tls-port', 0, 0, 65535),
  num('tls-session-cache-size', 20 * 1024, 0, INT_MAX),
  num('tls-session-cache-timeout', 300, 0, INT_MAX),
  bool('tls-cluster', false),
  bool('tls-replication', false),
  enumeration(
    'tls-auth-clients',
    [
      ['no', 0],
      ['yes', 1],
      ['optional', 2],
    ],
    'yes',
  ),
  bool('tls-prefer-server-ciphers', false),
  bool('tls-session-caching', true),
  nullable('tls-cert-file'),
  nullable('tls-key-file'),
  nullable('tls-key-file-pass'),
  nullable('tls-client-cert-file'),
  nullable('tls-client-key-file'),
  nullable('tls-client-key-file-pass'),
  nullable('tls-dh-params-file'),
  nullable('tls-ca-cert-file'),
  nullable('tls-ca-cert-dir'),
  nullable('tls-protocols'),
  nullable('tls-ciphers'),
  nullable('tls-ciphersuites'),

  // Parameters with a type of their own
  param({ name: 'dir', type: dirType, default: () => process.cwd(), ...PROTECTED }),
  param({ name: 'save', type: saveType, default: defaultSavePoints }),
  param({
    name: 'client-output-buffer-limit',
    type: outputBufferLimitsType,
    default: DEFAULT_OUTPUT_BUFFER_LIMITS,
  }),
  param({ name: 'oom-score-adj-values', type: oomScoreValuesType, default: [0, 200, 800] }),
  param({ name: 'notify-keyspace-events', type: notifyEventsType, default: 0 }),
  param({ name: 'bind', type: bindType, default: ['*', '-::*'] }),
  param({
    name: 'replicaof',
    alias: 'slaveof',
    type: replicaOfType,
    default: null,
    ...IMMUTABLE,
  }),
  param({
    name: 'latency-tracking-info-percentiles',
    type: percentilesType,
    default: [50, 99, 99.9],
  }),
];

function defaultSavePoints() {
  return [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ];
}
