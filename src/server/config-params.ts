/** Every configuration parameter Kvik knows, with Redis 7.0's defaults and limits. */

export interface ParamSpec {
  name: string;
  alias?: string;
  type: 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';
  default: string;
  immutable?: boolean;
  /** Only with enable-protected-configs (Redis 7's PROTECTED_CONFIG). */
  protected?: boolean;
  min?: number;
  max?: number;
  values?: string[];
  /** For 'special' and 'string': returns an error text, or null when the value is acceptable. */
  validate?: (text: string) => string | null;
  /** For 'special': the canonical form CONFIG GET prints. */
  format?: (text: string) => string;
}

const LONG_MAX = Number.MAX_SAFE_INTEGER;

export const CONFIG_PARAMS: ParamSpec[] = [
  { name: 'port', type: 'int', default: '6379', min: 0, max: 65535 },
  { name: 'bind', type: 'string', default: '* -::*' },
  { name: 'databases', type: 'int', default: '16', min: 1, max: 2147483647, immutable: true },
  { name: 'requirepass', type: 'string', default: '' },
  {
    name: 'proto-max-bulk-len',
    type: 'memory',
    default: '536870912',
    min: 1024 * 1024,
    max: LONG_MAX,
  },
  {
    name: 'client-query-buffer-limit',
    type: 'memory',
    default: '1073741824',
    min: 1024 * 1024,
    max: LONG_MAX,
  },
  { name: 'hz', type: 'int', default: '10', min: 0, max: 2147483647 },
  { name: 'maxclients', type: 'int', default: '10000', min: 1, max: 4294967295 },
  { name: 'timeout', type: 'int', default: '0', min: 0, max: 2147483647 },
  {
    name: 'enable-debug-command',
    type: 'enum',
    default: 'no',
    values: ['no', 'yes', 'local'],
    immutable: true,
  },
];
