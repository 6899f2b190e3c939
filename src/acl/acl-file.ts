/** The ACL file (aclfile): read for ACL LOAD and at startup, written by ACL SAVE. */
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import type { ClientState } from '../dispatch/client-state.js';
import { strerror } from '../server/config-values.js';
import type { Acl } from './acl.js';

/** ACL LOAD: Redis's error text, or null once the file's users replaced the current ones. */
export function loadAclFile(acl: Acl, path: string, current: ClientState | null): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    return `Error loading ACLs, opening file '${path}': ${strerror(err)}`;
  }
  return acl.loadFile(text, path, current);
}

/** ACL SAVE: writes a temporary file and renames it over the old one; false on failure. */
export function saveAclFile(acl: Acl, path: string, now: number): boolean {
  const temporary = `${path}.tmp-${process.pid}-${now}`;
  try {
    writeFileSync(temporary, acl.fileText(), { encoding: 'latin1', mode: 0o644 });
    renameSync(temporary, path);
    return true;
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
    return false;
  }
}
