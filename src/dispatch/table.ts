/**
 * The command table: declarations resolved into Command objects, with what Redis derives from the
 * metadata at startup (implicit ACL categories, the legacy first/last/step key range, the
 * movablekeys flag). Built per server, because stats and rename-command are per server.
 */
import {
  ACL_CATEGORIES,
  type AclCategory,
  type CommandFlag,
  type CommandSpec,
  type Handler,
  type KeyReference,
  type KeySpec,
} from './command.js';

/**
 * The flags COMMAND INFO shows, in the order Redis prints them (addReplyFlagsForCommand); the
 * others ('sentinel', 'protected' ...) are declared but never printed.
 */
const INFO_FLAG_ORDER: readonly (CommandFlag | 'movablekeys')[] = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'may_replicate',
  'no_mandatory_keys',
  'no_async_loading',
  'no_multi',
  'movablekeys',
  'allow_busy',
];

export class CommandStats {
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
}

export class Command {
  /** 'get', or 'config|get' for a subcommand: the name errors and stats use. */
  readonly fullName: string;
  readonly name: string;
  readonly arity: number;
  readonly flags: ReadonlySet<CommandFlag>;
  readonly aclCategories: readonly AclCategory[];
  readonly keySpecs: readonly KeySpec[];
  readonly tips: readonly string[];
  readonly handler: Handler | undefined;
  readonly subcommands: ReadonlyMap<string, Command> | null;
  readonly getKeys: ((argv: string[]) => KeyReference[]) | undefined;
  /** The legacy (first, last, step) key range COMMAND INFO shows. */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  readonly movableKeys: boolean;
  /** Flags read on every call, kept as plain booleans for the hot path. */
  readonly isWrite: boolean;
  readonly denyOom: boolean;
  readonly noAuth: boolean;
  readonly isProtected: boolean;
  readonly stats = new CommandStats();

  constructor(
    readonly spec: CommandSpec,
    readonly parent: Command | null,
  ) {
    this.name = spec.name;
    this.fullName = parent ? `${parent.name}|${spec.name}` : spec.name;
    this.arity = spec.arity;
    this.flags = new Set(spec.flags);
    this.aclCategories = implicitCategories(spec);
    this.keySpecs = spec.keySpecs ?? [];
    this.tips = spec.tips ?? [];
    this.handler = spec.handler;
    this.getKeys = spec.getKeys;
    this.subcommands = spec.subcommands
      ? new Map(spec.subcommands.map((s) => [s.name, new Command(s, this)]))
      : null;
    const legacy = legacyRange(this.keySpecs);
    this.firstKey = legacy.first;
    this.lastKey = legacy.last;
    this.keyStep = legacy.step;
    // As in Redis 7.0, only the key specs decide: a getKeys function alone does not make keys movable.
    this.movableKeys = legacy.movable;
    this.isWrite = this.flags.has('write');
    this.denyOom = this.flags.has('denyoom');
    this.noAuth = this.flags.has('no_auth');
    this.isProtected = this.flags.has('protected');
  }

  /** COMMAND INFO's flag list: the printed declared flags plus the derived movablekeys. */
  infoFlags(): string[] {
    return INFO_FLAG_ORDER.filter((flag) =>
      flag === 'movablekeys' ? this.movableKeys : this.flags.has(flag),
    );
  }
}

export class CommandTable {
  private readonly commands = new Map<string, Command>();

  constructor(specs: Iterable<CommandSpec>) {
    for (const spec of specs) {
      if (this.commands.has(spec.name)) throw new Error(`command declared twice: ${spec.name}`);
      this.commands.set(spec.name, new Command(spec, null));
    }
  }

  /** The top-level command for a lower-case name. */
  get(name: string): Command | undefined {
    return this.commands.get(name);
  }

  /**
   * Redis's lookupCommand: the command an argv runs (the subcommand for a container), or undefined.
   * Names are case-insensitive.
   */
  lookup(argv: readonly string[]): Command | undefined {
    const command = this.commands.get(argv[0].toLowerCase());
    if (command === undefined || command.subcommands === null || argv.length === 1) return command;
    return command.subcommands.get(argv[1].toLowerCase());
  }

  /**
   * Redis's lookupCommandBySds: a command by its full name, 'get' or 'config|get' (any case);
   * undefined for an unknown name or a subcommand of a command that has none.
   */
  lookupFullName(fullName: string): Command | undefined {
    const parts = fullName.split('|');
    const command = this.commands.get(parts[0].toLowerCase());
    if (command === undefined || parts.length === 1) return command;
    if (parts.length > 2 || command.subcommands === null) return undefined;
    return command.subcommands.get(parts[1].toLowerCase());
  }

  all(): IterableIterator<Command> {
    return this.commands.values();
  }

  get size(): number {
    return this.commands.size;
  }

  /** rename-command: '' removes the command. */
  rename(from: string, to: string): boolean {
    const command = this.commands.get(from);
    if (!command) return false;
    this.commands.delete(from);
    if (to !== '') this.commands.set(to, command);
    return true;
  }
}

/** Redis's setImplicitACLCategories: categories that follow from the flags. */
function implicitCategories(spec: CommandSpec): AclCategory[] {
  const set = new Set<AclCategory>(spec.acl ?? []);
  const flags = new Set(spec.flags);
  if (flags.has('write')) set.add('write');
  if (flags.has('readonly') && !set.has('scripting')) set.add('read');
  if (flags.has('admin')) {
    set.add('admin');
    set.add('dangerous');
  }
  if (flags.has('pubsub')) set.add('pubsub');
  if (flags.has('fast')) set.add('fast');
  if (flags.has('blocking')) set.add('blocking');
  if (!set.has('fast')) set.add('slow');
  return ACL_CATEGORIES.filter((c) => set.has(c));
}

/**
 * Redis's populateCommandLegacyRangeSpec: the (first, last, step) triple old clients read, and
 * whether the keys can move (anything the triple cannot describe).
 */
function legacyRange(specs: readonly KeySpec[]): {
  first: number;
  last: number;
  step: number;
  movable: boolean;
} {
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable: false };
  const only = specs[0];
  if (specs.length === 1 && 'index' in only.begin && 'range' in only.find) {
    const { lastKey, keyStep } = only.find.range;
    const first = only.begin.index;
    return {
      first,
      last: lastKey >= 0 ? first + lastKey : lastKey,
      step: keyStep,
      movable: only.flags.includes('INCOMPLETE'),
    };
  }
  let movable = false;
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const spec of specs) {
    if (!('index' in spec.begin) || !('range' in spec.find)) {
      movable = true;
      continue;
    }
    const { lastKey, keyStep } = spec.find.range;
    const begin = spec.begin.index;
    if (keyStep !== 1 || (prevLast !== 0 && prevLast !== begin - 1)) {
      movable = true;
      continue;
    }
    if (spec.flags.includes('INCOMPLETE')) movable = true;
    first = Math.min(first, begin);
    const absLast = lastKey >= 0 ? lastKey + begin : lastKey;
    // Redis compares as unsigned, so a negative (relative-to-end) last key wins.
    last = unsignedMax(last, absLast);
    prevLast = last;
  }
  if (first === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first, last, step: 1, movable };
}

function unsignedMax(a: number, b: number): number {
  return a >>> 0 >= b >>> 0 ? a : b;
}
