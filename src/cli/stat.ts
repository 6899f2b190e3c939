/** --stat: a line of server figures (keys, memory, clients, requests ...) every interval. */
import { CliExit, sleep } from './io.js';
import { fixed } from './numbers.js';
import { cString } from './quote.js';
import type { Session } from './session.js';

const HEADER =
  '------- data ------ --------------------- load -------------------- - child -\n' +
  'keys       mem      clients blocked requests            connections          \n';

export async function statMode(session: Session): Promise<number> {
  const { io, options } = session;
  const intervalMs = options.intervalMicros > 0 ? options.intervalMicros / 1000 : 1000;
  let lastRequests = 0;
  for (let line = 0; ; line++) {
    const reply = await session.reconnectingCommand('INFO');
    if (reply.type === 'error') {
      io.err(`ERROR: ${cString(reply.value)}\n`);
      throw new CliExit(1);
    }
    const info = reply.type === 'bulk' || reply.type === 'verbatim' ? reply.value : '';
    if (line % 20 === 0) io.out(HEADER);
    let keys = 0;
    for (const match of info.matchAll(/^db\d+:keys=(\d+)/gm)) keys += Number(match[1]);
    const requests = infoNumber(info, 'total_commands_processed');
    const children =
      infoNumber(info, 'rdb_bgsave_in_progress') |
      (infoNumber(info, 'aof_rewrite_in_progress') << 1) |
      (infoNumber(info, 'loading') << 2);
    io.out(
      String(keys).padEnd(11) +
        bytesToHuman(infoNumber(info, 'used_memory')).padEnd(8) +
        ' ' +
        String(infoNumber(info, 'connected_clients')).padEnd(8) +
        String(infoNumber(info, 'blocked_clients')).padEnd(8) +
        `${requests} (+${lastRequests === 0 ? 0 : requests - lastRequests})`.padEnd(19) +
        ' ' +
        String(infoNumber(info, 'total_connections_received')).padEnd(12) +
        (CHILD_ACTIVITY[children] ?? '') +
        '\n',
    );
    lastRequests = requests;
    await sleep(intervalMs);
  }
}

const CHILD_ACTIVITY: Record<number, string> = { 1: 'SAVE', 2: 'AOF', 3: 'SAVE+AOF', 4: 'LOAD' };

/** A numeric INFO field: the first "<field>:" line, up to a CR or a comma. */
export function infoNumber(info: string, field: string): number {
  const at = info.indexOf(field);
  if (at < 0) return 0;
  const match = /^-?\d+/.exec(info.slice(at + field.length + 1));
  return match ? Number(match[0]) : 0;
}

/** 1003B, 4.03K, 100.00M, 2.32G, 3.01T. */
export function bytesToHuman(n: number): string {
  if (n < 0) return '-' + bytesToHuman(-n);
  const units: [number, string][] = [
    [1024 ** 4, 'T'],
    [1024 ** 3, 'G'],
    [1024 ** 2, 'M'],
    [1024, 'K'],
  ];
  for (const [size, unit] of units) if (n >= size) return `${fixed(n / size, 2)}${unit}`;
  return `${n}B`;
}
