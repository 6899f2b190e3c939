/**
 * INFO: Redis 7.0's sections and fields, in Redis's order, filled from the server's live state.
 * Fields of features that come later (persistence, replication, scripting, cluster ...) show the
 * state a Redis without them shows (no persistence configured, a primary without replicas).
 */
import { createHash } from 'node:crypto';
import { arch, machine, release, totalmem, type } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from '../dispatch/table.js';
import { KVIK_VERSION } from '../package-version.js';
import { formatPercentile } from './config-special.js';
import { STARTUP_BYTES } from '../keyspace/memory-accounting.js';
import { processMemory } from './metrics.js';
import type { KvikServer } from './server.js';

/** The Redis version Kvik is compatible with; clients switch features on it. */
export const REDIS_VERSION = '7.0.15';

/** Stands for Redis's build id (a hash of the build): a hash of Kvik's version. */
const BUILD_ID = createHash('sha1').update(`kvik ${KVIK_VERSION}`).digest('hex').slice(0, 15);

type Fields = [string, string | number][];

/** The sections of INFO and INFO default, in Redis's order ("module_list" prints "# Modules"). */
const DEFAULT_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'module_list',
  'errorstats',
  'cluster',
  'keyspace',
];

interface Section {
  name: string;
  title: string;
  /** Also printed for these other names. */
  aliases?: string[];
  /** Only with "all" / "everything" or by name. */
  notDefault?: boolean;
  fields(server: KvikServer): Fields;
}

const SECTIONS: readonly Section[] = [
  { name: 'server', title: 'Server', fields: serverFields },
  { name: 'clients', title: 'Clients', fields: clientFields },
  { name: 'memory', title: 'Memory', fields: memoryFields },
  { name: 'persistence', title: 'Persistence', fields: persistenceFields },
  { name: 'stats', title: 'Stats', fields: statsFields },
  { name: 'replication', title: 'Replication', fields: replicationFields },
  { name: 'cpu', title: 'CPU', fields: cpuFields },
  { name: 'module_list', title: 'Modules', aliases: ['modules'], fields: () => [] },
  { name: 'commandstats', title: 'Commandstats', notDefault: true, fields: commandStatsFields },
  { name: 'errorstats', title: 'Errorstats', fields: errorStatsFields },
  { name: 'latencystats', title: 'Latencystats', notDefault: true, fields: latencyStatsFields },
  { name: 'cluster', title: 'Cluster', fields: () => [['cluster_enabled', 0]] },
  { name: 'keyspace', title: 'Keyspace', fields: keyspaceFields },
];

/**
 * The INFO text for the arguments of INFO (Redis's genInfoSectionDict): none means the default
 * sections; "default", "all", "everything" and section names (any case) combine.
 */
export function renderInfo(server: KvikServer, args: readonly string[]): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) for (const name of DEFAULT_SECTIONS) wanted.add(name);
  for (const arg of args) {
    const name = arg.toLowerCase();
    if (name === 'default') for (const section of DEFAULT_SECTIONS) wanted.add(section);
    else if (name === 'all' || name === 'everything') all = true;
    else wanted.add(name);
  }
  const parts: string[] = [];
  for (const section of SECTIONS) {
    const named = wanted.has(section.name) || (section.aliases ?? []).some((a) => wanted.has(a));
    if (!all && !named) continue;
    let text = `# ${section.title}\r\n`;
    for (const [field, value] of section.fields(server)) text += `${field}:${value}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}

function serverFields(server: KvikServer): Fields {
  const now = server.keyspace.clock.now();
  const uptime = Math.floor((now - server.stats.startTime) / 1000);
  return [
    ['redis_version', REDIS_VERSION],
    ['kvik_version', KVIK_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', BUILD_ID],
    ['redis_mode', 'standalone'],
    ['os', `${type()} ${release()} ${machine()}`],
    ['arch_bits', arch().endsWith('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', multiplexingApi()],
    ['atomicvar_api', 'c11-builtin'],
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', server.runId],
    ['tcp_port', server.port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', server.hz],
    ['configured_hz', server.config.numberValue('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', executable()],
    ['config_file', server.config.file ?? ''],
    ['io_threads_active', 0],
  ];
}

/** The event notification mechanism libuv uses on this platform. */
function multiplexingApi(): string {
  switch (process.platform) {
    case 'linux':
      return 'epoll';
    case 'darwin':
    case 'freebsd':
    case 'openbsd':
      return 'kqueue';
    case 'sunos':
      return 'evport';
    default:
      return 'select';
  }
}

function executable(): string {
  const script = process.argv[1];
  return script === undefined ? process.execPath : resolve(script);
}

function clientFields(server: KvikServer): Fields {
  let maxInput = 0;
  let maxOutput = 0;
  let blocked = 0;
  for (const client of server.clients()) {
    maxInput = Math.max(maxInput, client.queryBufferBytes);
    maxOutput = Math.max(maxOutput, client.outputBytes);
    if (client.blocked) blocked++;
  }
  return [
    ['connected_clients', server.connectedClients],
    ['cluster_connections', 0],
    ['maxclients', server.config.numberValue('maxclients')],
    ['client_recent_max_input_buffer', maxInput],
    ['client_recent_max_output_buffer', maxOutput],
    ['blocked_clients', blocked],
    ['tracking_clients', server.tracking.clients],
    ['clients_in_timeout_table', server.blocking.clientsWithTimeout],
  ];
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  for (let i = 0; i < units.length; i++) {
    if (n < 1024 ** (i + 2) || i === units.length - 1)
      return `${(n / 1024 ** (i + 1)).toFixed(2)}${units[i]}`;
  }
  return `${n}B`;
}

function ratio(a: number, b: number): string {
  return (b > 0 ? a / b : 0).toFixed(2);
}

function memoryFields(server: KvikServer): Fields {
  const memory = processMemory();
  const used = server.memory.used();
  server.metrics.notePeak(used);
  const peak = server.metrics.peakMemory;
  const startup = STARTUP_BYTES;
  let clientBuffers = 0;
  for (const client of server.clients())
    clientBuffers += client.queryBufferBytes + client.outputBytes;
  const dataset = server.memory.dataset();
  const overhead = used - dataset;
  const netUsage = used > startup ? used - startup : 1;
  // The allocator fields describe the whole process's heap (V8's), shared by its servers.
  const active = memory.heapTotal + memory.external;
  const maxmemory = server.config.value<bigint>('maxmemory');
  const scripting = server.scripting.info();
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', memory.rss],
    ['used_memory_rss_human', bytesToHuman(memory.rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${((used * 100) / peak).toFixed(2)}%`],
    ['used_memory_overhead', overhead],
    ['used_memory_startup', startup],
    ['used_memory_dataset', dataset],
    ['used_memory_dataset_perc', `${((dataset * 100) / netUsage).toFixed(2)}%`],
    ['allocator_allocated', memory.heapUsed],
    ['allocator_active', active],
    ['allocator_resident', memory.rss],
    ['total_system_memory', totalmem()],
    ['total_system_memory_human', bytesToHuman(totalmem())],
    ['used_memory_lua', scripting.evalVmBytes],
    ['used_memory_vm_eval', scripting.evalVmBytes],
    ['used_memory_lua_human', bytesToHuman(scripting.evalVmBytes)],
    ['used_memory_scripts_eval', scripting.scriptBytes],
    ['number_of_cached_scripts', scripting.cachedScripts],
    ['number_of_functions', scripting.functions],
    ['number_of_libraries', scripting.libraries],
    ['used_memory_vm_functions', scripting.functionsVmBytes],
    ['used_memory_vm_total', scripting.evalVmBytes + scripting.functionsVmBytes],
    [
      'used_memory_vm_total_human',
      bytesToHuman(scripting.evalVmBytes + scripting.functionsVmBytes),
    ],
    ['used_memory_functions', scripting.libraryBytes],
    ['used_memory_scripts', scripting.scriptBytes + scripting.libraryBytes],
    ['used_memory_scripts_human', bytesToHuman(scripting.scriptBytes + scripting.libraryBytes)],
    ['maxmemory', String(maxmemory)],
    ['maxmemory_human', bytesToHuman(Number(maxmemory))],
    ['maxmemory_policy', server.config.get('maxmemory-policy')!],
    ['allocator_frag_ratio', ratio(active, memory.heapUsed)],
    ['allocator_frag_bytes', active - memory.heapUsed],
    ['allocator_rss_ratio', ratio(memory.rss, active)],
    ['allocator_rss_bytes', memory.rss - active],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', ratio(memory.rss, used)],
    ['mem_fragmentation_bytes', memory.rss - used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', 0],
    ['mem_clients_slaves', 0],
    ['mem_clients_normal', clientBuffers],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceFields(server: KvikServer): Fields {
  return server.persistence.infoFields();
}

function statsFields(server: KvikServer): Fields {
  const stats = server.stats;
  const keyspace = server.keyspace.stats;
  const metrics = server.metrics;
  return [
    ['total_connections_received', stats.totalConnectionsReceived],
    ['total_commands_processed', stats.totalCommandsProcessed],
    ['instantaneous_ops_per_sec', metrics.opsPerSec.value],
    ['total_net_input_bytes', stats.totalNetInputBytes],
    ['total_net_output_bytes', stats.totalNetOutputBytes],
    ['total_net_repl_input_bytes', 0],
    ['total_net_repl_output_bytes', 0],
    ['instantaneous_input_kbps', (metrics.inputBytesPerSec.value / 1024).toFixed(2)],
    ['instantaneous_output_kbps', (metrics.outputBytesPerSec.value / 1024).toFixed(2)],
    ['instantaneous_input_repl_kbps', '0.00'],
    ['instantaneous_output_repl_kbps', '0.00'],
    ['rejected_connections', stats.rejectedConnections],
    ['sync_full', 0],
    ['sync_partial_ok', 0],
    ['sync_partial_err', 0],
    ['expired_keys', keyspace.expiredKeys],
    ['expired_stale_perc', (keyspace.expiredStalePerc * 100).toFixed(2)],
    ['expired_time_cap_reached_count', keyspace.expiredTimeCapReachedCount],
    ['expire_cycle_cpu_milliseconds', Math.floor(keyspace.expireCycleCpuMilliseconds)],
    ['evicted_keys', keyspace.evictedKeys],
    ['evicted_clients', server.clientEviction.evicted],
    ['total_eviction_exceeded_time', server.eviction.totalExceededMs()],
    ['current_eviction_exceeded_time', server.eviction.currentExceededMs()],
    ['keyspace_hits', keyspace.keyspaceHits],
    ['keyspace_misses', keyspace.keyspaceMisses],
    ['pubsub_channels', server.pubsub.channelCount],
    ['pubsub_patterns', server.pubsub.patternCount],
    ['pubsubshard_channels', server.pubsub.shardChannelCount],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', server.tracking.totalKeys],
    ['tracking_total_items', server.tracking.totalRememberedItems],
    ['tracking_total_prefixes', server.tracking.totalPrefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', stats.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', stats.totalReadsProcessed],
    ['total_writes_processed', stats.totalWritesProcessed],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
  ];
}

function replicationFields(server: KvikServer): Fields {
  const replication = server.replication;
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', replication.replid],
    ['master_replid2', replication.replid2],
    ['master_repl_offset', replication.offset],
    ['second_repl_offset', replication.secondOffset],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', String(server.config.value<bigint>('repl-backlog-size'))],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuFields(): Fields {
  // Node runs JavaScript on one thread, so the main thread's time is the process's.
  const usage = process.cpuUsage();
  const sys = (usage.system / 1e6).toFixed(6);
  const user = (usage.user / 1e6).toFixed(6);
  return [
    ['used_cpu_sys', sys],
    ['used_cpu_user', user],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', sys],
    ['used_cpu_user_main_thread', user],
  ];
}

/** Every command and subcommand of the table, parents first. */
function* allCommands(server: KvikServer): Generator<Command> {
  for (const command of server.commands.all()) {
    yield command;
    if (command.subcommands) yield* command.subcommands.values();
  }
}

function commandStatsFields(server: KvikServer): Fields {
  const fields: Fields = [];
  for (const command of allCommands(server)) {
    const { calls, usec, rejectedCalls, failedCalls } = command.stats;
    if (calls === 0 && rejectedCalls === 0 && failedCalls === 0) continue;
    const perCall = calls > 0 ? usec / calls : 0;
    fields.push([
      `cmdstat_${command.fullName}`,
      `calls=${calls},usec=${Math.round(usec)},usec_per_call=${perCall.toFixed(2)},` +
        `rejected_calls=${rejectedCalls},failed_calls=${failedCalls}`,
    ]);
  }
  return fields;
}

function errorStatsFields(server: KvikServer): Fields {
  const codes = [...server.stats.errorCounts.keys()].sort();
  return codes.map((code) => [`errorstat_${code}`, `count=${server.stats.errorCounts.get(code)}`]);
}

function latencyStatsFields(server: KvikServer): Fields {
  const percentiles = server.config.value<readonly number[]>('latency-tracking-info-percentiles');
  const fields: Fields = [];
  for (const command of allCommands(server)) {
    const histogram = server.latency.histogram(command);
    if (histogram === undefined || histogram.count === 0) continue;
    const values = percentiles.map(
      (p) => `p${formatPercentile(p)}=${(histogram.valueAtPercentile(p) / 1000).toFixed(3)}`,
    );
    fields.push([`latency_percentiles_usec_${command.fullName}`, values.join(',')]);
  }
  return fields;
}

function keyspaceFields(server: KvikServer): Fields {
  const fields: Fields = [];
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    fields.push([
      `db${db.id}`,
      `keys=${db.size},expires=${db.expires.size},avg_ttl=${Math.floor(db.avgTtl)}`,
    ]);
  }
  return fields;
}
