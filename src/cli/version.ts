/** Kvik's version, for `kvik cli --version` and the help banner. */
import { readFileSync } from 'node:fs';

export function cliVersion(): string {
  const pkg = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}
