/** --scan: every key matching --pattern (and --type), one per line, through SCAN. */
import { CliExit, sleep } from './io.js';
import { cString, quoteRepr } from './quote.js';
import type { Session } from './session.js';

export async function scanMode(session: Session): Promise<number> {
  const { io, options } = session;
  let cursor = '0';
  do {
    const page = await scanPage(session, cursor);
    cursor = page.cursor;
    const show = options.output === 'standard' ? quoteRepr : cString;
    io.out(page.keys.map((key) => `${show(key)}\n`).join(''));
    if (options.intervalMicros > 0) await sleep(options.intervalMicros / 1000);
  } while (cursor !== '0');
  return 0;
}

export interface ScanPage {
  cursor: string;
  keys: string[];
}

/** One SCAN call with the options' MATCH, COUNT and TYPE; failures end the CLI. */
export async function scanPage(session: Session, cursor: string): Promise<ScanPage> {
  const { io, options } = session;
  const args = ['SCAN', cursor];
  if (options.pattern !== undefined) args.push('MATCH', options.pattern);
  if (options.scanCount !== undefined) args.push('COUNT', String(options.scanCount));
  if (options.scanType !== undefined) args.push('TYPE', options.scanType);
  const reply = await session.mustCommand(...args);
  const fail = (message: string) => {
    io.err(message);
    return new CliExit(1);
  };
  if (reply.type === 'error') throw fail(`SCAN error: ${cString(reply.value)}\n`);
  if (reply.type !== 'array') throw fail('Non ARRAY response from SCAN!\n');
  if (reply.items.length !== 2) throw fail('Invalid element count from SCAN!\n');
  const [next, keys] = reply.items;
  return {
    cursor: next.type === 'bulk' ? next.value : '0',
    keys:
      keys.type === 'array' ? keys.items.map((key) => (key.type === 'bulk' ? key.value : '')) : [],
  };
}
