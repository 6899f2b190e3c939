/**
 * The commands ACL rules name, numbered: every command and subcommand of the table as it was
 * declared (Redis's orig_commands), so rules keep working after rename-command. Each gets an id
 * (its bit in a selector's bitmap) and its categories as a bit mask.
 */
import { ACL_CATEGORIES, type AclCategory } from '../dispatch/command.js';
import type { Command, CommandTable } from '../dispatch/table.js';

export interface IndexedCommand {
  readonly id: number;
  readonly command: Command;
  /** Bit i is set when the command is in ACL_CATEGORIES[i]. */
  readonly categories: number;
  readonly subcommands: readonly IndexedCommand[];
}

export class CommandIndex {
  /** Top-level commands, in declaration order (subcommands hang below them). */
  readonly topLevel: IndexedCommand[] = [];
  /** Every command and subcommand, by id. */
  readonly byId: IndexedCommand[] = [];
  private readonly byCommand = new Map<Command, IndexedCommand>();
  private readonly byName = new Map<string, IndexedCommand>();

  constructor(table: CommandTable) {
    for (const command of table.all()) this.topLevel.push(this.add(command));
  }

  get size(): number {
    return this.byId.length;
  }

  /** The id of a table command (also after it was renamed). */
  of(command: Command): IndexedCommand {
    return this.byCommand.get(command)!;
  }

  /** Redis's ACLLookupCommand: 'get' or 'config|get', any case; undefined when unknown. */
  lookup(fullName: string): IndexedCommand | undefined {
    return this.byName.get(fullName.toLowerCase());
  }

  private add(command: Command): IndexedCommand {
    const id = this.byId.length;
    const subcommands: IndexedCommand[] = [];
    const entry: IndexedCommand = {
      id,
      command,
      categories: categoryMask(command.aclCategories),
      subcommands,
    };
    this.byId.push(entry);
    this.byCommand.set(command, entry);
    this.byName.set(command.fullName, entry);
    if (command.subcommands !== null) {
      for (const sub of command.subcommands.values()) subcommands.push(this.add(sub));
    }
    return entry;
  }
}

/** The bit of a category name (any case), or 0 when there is no such category. */
export function categoryBit(name: string): number {
  const index = ACL_CATEGORIES.indexOf(name.toLowerCase() as AclCategory);
  return index < 0 ? 0 : 1 << index;
}

function categoryMask(categories: readonly AclCategory[]): number {
  let mask = 0;
  for (const category of categories) mask |= 1 << ACL_CATEGORIES.indexOf(category);
  return mask;
}
