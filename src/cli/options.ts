/**
 * The command line of `kvik cli`: redis-cli's options, parsed with redis-cli's rules (an option
 * missing its value, or an unknown one, is refused; the first word not starting with "-" begins
 * the command). Values sent to the server come out as byte strings.
 */
import type { TlsOptions } from './connection.js';
import type { OutputMode } from './format.js';
import { splitInlineArgs } from '../resp/inline.js';

export type CliMode =
  | 'command'
  | 'scan'
  | 'bigkeys'
  | 'memkeys'
  | 'hotkeys'
  | 'latency'
  | 'latency-history'
  | 'latency-dist'
  | 'stat'
  | 'pipe'
  | 'rdb'
  | 'functions-rdb'
  | 'replica'
  | 'intrinsic-latency';

export interface CliOptions {
  host: string;
  port: number;
  socket?: string;
  user?: string;
  auth?: string;
  noAuthWarning: boolean;
  dbnum: number;
  /** -2 / -3: the protocol to switch to with HELLO after connecting. */
  resp?: 2 | 3;
  tls?: TlsOptions;
  /** -c: follow MOVED and ASK redirections. */
  cluster: boolean;
  /** -r: times to run the command; negative runs it forever. */
  repeat: number;
  /** -i, in microseconds. */
  intervalMicros: number;
  /** -x: the last argument comes from stdin. */
  stdinLastArg: boolean;
  /** -X <tag>: the argument equal to <tag> is replaced by stdin. */
  stdinTag?: string;
  /** -e: exit with status 1 on an error reply. */
  exitOnError: boolean;
  output: OutputMode;
  bulkDelimiter: string;
  replyDelimiter: string;
  quotedInput: boolean;
  showPushes: boolean;
  evalFile?: string;
  mode: CliMode;
  pattern?: string;
  scanCount?: number;
  scanType?: string;
  memkeysSamples?: number;
  pipeTimeoutSeconds: number;
  rdbFile?: string;
  intrinsicLatencySeconds: number;
  monoPalette: boolean;
  /** The command and its arguments (or the --eval keys and arguments). */
  args: string[];
}

/** Parsing stopped: print `text` to stdout or stderr and exit with `code`. */
export class OptionsExit {
  constructor(
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {}
}

const DEFAULT_PIPE_TIMEOUT = 30;

export interface ParsedOptions {
  options: CliOptions;
  /** What redis-cli prints on stderr about the options before it connects. */
  warning: string;
}

/** Parses the arguments after `kvik cli`; `outputIsTty` picks raw output for pipes. */
export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  outputIsTty: boolean,
  version: string,
): ParsedOptions | OptionsExit {
  const tty = outputIsTty || env.FAKETTY !== undefined;
  const options: CliOptions = {
    host: '127.0.0.1',
    port: 6379,
    noAuthWarning: false,
    dbnum: 0,
    cluster: false,
    repeat: 1,
    intervalMicros: 0,
    stdinLastArg: false,
    exitOnError: false,
    output: tty ? 'standard' : 'raw',
    bulkDelimiter: '\n',
    replyDelimiter: '\n',
    quotedInput: false,
    showPushes: tty,
    mode: 'command',
    pipeTimeoutSeconds: DEFAULT_PIPE_TIMEOUT,
    intrinsicLatencySeconds: 0,
    monoPalette: false,
    args: [],
  };
  let tlsOptions: TlsOptions | undefined;
  const useTls = (): TlsOptions => (tlsOptions ??= { insecure: false });
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    const hasValue = i < argv.length - 1;
    const value = (): string => argv[++i];
    const flag = FLAGS[arg];
    if (flag) {
      flag(options, useTls);
    } else if (arg in VALUED && hasValue) {
      VALUED[arg](options, value(), useTls);
    } else if (arg === '-h' || arg === '--help') {
      return new OptionsExit(0, usage(version), '');
    } else if (arg === '-v' || arg === '--version') {
      return new OptionsExit(0, `kvik cli ${version}\n`, '');
    } else if (arg === '--quoted-pattern' && hasValue) {
      const words = splitInlineArgs(bytes(value()));
      if (words === null || words.length !== 1) {
        return new OptionsExit(1, '', 'Invalid quoted string specified for --quoted-pattern.\n');
      }
      options.pattern = words[0];
    } else if (arg === '-u' && hasValue) {
      const failure = applyUri(options, bytes(value()), useTls);
      if (failure) return new OptionsExit(1, '', failure);
    } else if (arg.startsWith('-')) {
      return new OptionsExit(1, '', `Unrecognized option or bad number of args for: '${arg}'\n`);
    } else {
      break;
    }
  }
  options.args = argv.slice(i).map(bytes);
  options.tls = tlsOptions;
  let warning = '';
  if (!options.noAuthWarning && options.auth !== undefined) {
    warning =
      "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n";
  }
  if (options.auth === undefined && env.REDISCLI_AUTH !== undefined) {
    options.auth = bytes(env.REDISCLI_AUTH);
  }
  return { options, warning };
}

type Setter = (options: CliOptions, useTls: () => TlsOptions) => void;
type ValueSetter = (options: CliOptions, value: string, useTls: () => TlsOptions) => void;

const FLAGS: Record<string, Setter> = {
  '-x': (o) => (o.stdinLastArg = true),
  '-c': (o) => (o.cluster = true),
  '-e': (o) => (o.exitOnError = true),
  '-2': (o) => (o.resp = 2),
  '-3': (o) => (o.resp = 3),
  '--raw': (o) => (o.output = 'raw'),
  '--no-raw': (o) => (o.output = 'standard'),
  '--csv': (o) => (o.output = 'csv'),
  '--quoted-input': (o) => (o.quotedInput = true),
  '--no-auth-warning': (o) => (o.noAuthWarning = true),
  // Accepted as redis-cli does; it only makes its cluster manager talkative.
  '--verbose': () => undefined,
  '--tls': (_o, useTls) => void useTls(),
  '--insecure': (_o, useTls) => (useTls().insecure = true),
  '--scan': (o) => (o.mode = 'scan'),
  '--bigkeys': (o) => (o.mode = 'bigkeys'),
  '--memkeys': (o) => (o.mode = 'memkeys'),
  '--hotkeys': (o) => (o.mode = 'hotkeys'),
  '--latency': (o) => (o.mode = 'latency'),
  '--latency-history': (o) => (o.mode = 'latency-history'),
  '--latency-dist': (o) => (o.mode = 'latency-dist'),
  '--mono': (o) => (o.monoPalette = true),
  '--stat': (o) => (o.mode = 'stat'),
  '--pipe': (o) => (o.mode = 'pipe'),
  '--replica': (o) => (o.mode = 'replica'),
  '--slave': (o) => (o.mode = 'replica'),
};

const VALUED: Record<string, ValueSetter> = {
  '-h': (o, v) => (o.host = v),
  '-p': (o, v) => (o.port = atoi(v)),
  '-s': (o, v) => (o.socket = v),
  '-r': (o, v) => (o.repeat = atoi(v)),
  '-i': (o, v) => (o.intervalMicros = Math.trunc(atof(v) * 1_000_000)),
  '-n': (o, v) => (o.dbnum = atoi(v)),
  '-a': (o, v) => (o.auth = bytes(v)),
  '--pass': (o, v) => (o.auth = bytes(v)),
  '--user': (o, v) => (o.user = bytes(v)),
  '-X': (o, v) => (o.stdinTag = bytes(v)),
  '-d': (o, v) => (o.bulkDelimiter = bytes(v)),
  '-D': (o, v) => (o.replyDelimiter = bytes(v)),
  '--show-pushes': (o, v) => (o.showPushes = /^(yes|y|1|true)$/i.test(v)),
  '--sni': (_o, v, useTls) => (useTls().sni = v),
  '--cacert': (_o, v, useTls) => (useTls().cacert = v),
  '--cacertdir': (_o, v, useTls) => (useTls().cacertdir = v),
  '--cert': (_o, v, useTls) => (useTls().cert = v),
  '--key': (_o, v, useTls) => (useTls().key = v),
  '--eval': (o, v) => (o.evalFile = v),
  '--pattern': (o, v) => (o.pattern = bytes(v)),
  '--count': (o, v) => (o.scanCount = atoi(v)),
  '--type': (o, v) => (o.scanType = bytes(v)),
  '--memkeys-samples': (o, v) => {
    o.mode = 'memkeys';
    o.memkeysSamples = atoi(v);
  },
  '--pipe-timeout': (o, v) => (o.pipeTimeoutSeconds = atoi(v)),
  '--rdb': (o, v) => {
    o.mode = 'rdb';
    o.rdbFile = v;
  },
  '--functions-rdb': (o, v) => {
    o.mode = 'functions-rdb';
    o.rdbFile = v;
  },
  '--intrinsic-latency': (o, v) => {
    o.mode = 'intrinsic-latency';
    o.intrinsicLatencySeconds = atoi(v);
  },
};

/**
 * -u redis://[[user:]password@]host[:port][/db] and rediss:// (TLS), with %XX decoding.
 * Returns an error message for a malformed URI.
 */
function applyUri(options: CliOptions, uri: string, useTls: () => TlsOptions): string | null {
  let rest: string;
  if (/^rediss:\/\//i.test(uri)) {
    useTls();
    rest = uri.slice('rediss://'.length);
  } else if (/^redis:\/\//i.test(uri)) {
    rest = uri.slice('redis://'.length);
  } else {
    return 'Invalid URI scheme\n';
  }
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userInfo = rest.slice(0, at);
    const colon = userInfo.indexOf(':');
    const user = colon >= 0 ? percentDecode(userInfo.slice(0, colon)) : null;
    const password = percentDecode(colon >= 0 ? userInfo.slice(colon + 1) : userInfo);
    if (user === undefined || password === undefined) return 'Illegal character in URI encoding\n';
    if (user) options.user = user;
    options.auth = password;
    rest = rest.slice(at + 1);
  }
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  if (authority !== '') {
    const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
    if (bracketed) {
      options.host = bracketed[1];
      if (bracketed[2] !== undefined) options.port = atoi(bracketed[2]);
    } else {
      const colon = authority.indexOf(':');
      options.host = colon >= 0 ? authority.slice(0, colon) : authority;
      if (colon >= 0) options.port = atoi(authority.slice(colon + 1));
    }
  }
  if (slash >= 0 && slash + 1 < rest.length) options.dbnum = atoi(rest.slice(slash + 1));
  return null;
}

function percentDecode(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      out += text[i];
      continue;
    }
    const hex = text.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

/**
 * What is sent to the server is bytes, held as latin1 strings (one char per byte); Node hands
 * the command line over decoded from UTF-8.
 */
function bytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** C's atoi: leading whitespace, an optional sign, digits; 0 when there are none. */
export function atoi(text: string): number {
  const match = /^\s*([-+]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** C's atof for the forms used on command lines. */
function atof(text: string): number {
  const match = /^\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)/.exec(text);
  return match ? Number(match[1]) : 0;
}

function usage(version: string): string {
  return `kvik cli ${version}, a redis-cli work-alike

Usage: kvik cli [OPTIONS] [cmd [arg [arg ...]]]
  -h <hostname>      Server hostname (default: 127.0.0.1).
  -p <port>          Server port (default: 6379).
  -s <socket>        Server socket (overrides hostname and port).
  -a <password>      Password to use when connecting to the server.
                     You can also use the REDISCLI_AUTH environment
                     variable to pass this password more safely
                     (if both are used, this argument takes precedence).
  --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
  --pass <password>  Alias of -a for consistency with the new --user option.
  -u <uri>           Server URI: redis://[[user:]password@]host[:port][/db]
                     or rediss:// for TLS.
  -r <repeat>        Execute specified command N times (negative: forever).
  -i <interval>      When -r is used, waits <interval> seconds per command.
                     It is possible to specify sub-second times like -i 0.1.
                     This interval is also used in --scan and --stat per cycle.
                     and in --bigkeys, --memkeys, and --hotkeys per 100 cycles.
  -n <db>            Database number.
  -2                 Start session in RESP2 protocol mode.
  -3                 Start session in RESP3 protocol mode.
  -x                 Read last argument from STDIN.
  -X <tag>           Read <tag> argument from STDIN.
  -d <delimiter>     Delimiter between response bulks for raw formatting (default: \\n).
  -D <delimiter>     Delimiter between responses for raw formatting (default: \\n).
  -c                 Enable cluster mode (follow -ASK and -MOVED redirections).
  -e                 Return exit error code when command execution fails.
  --tls              Establish a secure TLS connection.
  --sni <host>       Server name indication for TLS.
  --cacert <file>    CA Certificate file to verify with.
  --cacertdir <dir>  Directory where trusted CA certificates are stored.
  --insecure         Allow insecure TLS connection by skipping cert validation.
  --cert <file>      Client certificate to authenticate with.
  --key <file>       Private key file to authenticate with.
  --raw              Use raw formatting for replies (default when STDOUT is
                     not a tty).
  --no-raw           Force formatted output even when STDOUT is not a tty.
  --quoted-input     Force input to be handled as quoted strings.
  --csv              Output in CSV format.
  --show-pushes <yn> Whether to print RESP3 PUSH messages.  Enabled by default when
                     STDOUT is a tty but can be overridden with --show-pushes no.
  --stat             Print rolling stats about server: mem, clients, ...
  --latency          Enter a special mode continuously sampling latency.
  --latency-history  Like --latency but tracking latency changes over time.
                     Default time interval is 15 sec. Change it using -i.
  --latency-dist     Shows latency as a spectrum, requires xterm 256 colors.
                     Default time interval is 1 sec. Change it using -i.
  --replica          Simulate a replica showing commands received from the master.
  --rdb <filename>   Transfer an RDB dump from remote server to local file.
                     Use filename of "-" to write to stdout.
  --functions-rdb <filename> Like --rdb but only get the functions (not the keys).
  --pipe             Transfer raw Redis protocol from stdin to server.
  --pipe-timeout <n> In --pipe mode, abort with error if after sending all data.
                     no reply is received within <n> seconds.
                     Default timeout: ${DEFAULT_PIPE_TIMEOUT}. Use 0 to wait forever.
  --bigkeys          Sample keys looking for keys with many elements (complexity).
  --memkeys          Sample keys looking for keys consuming a lot of memory.
  --memkeys-samples <n> Like --memkeys, sampling <n> elements of each key.
  --hotkeys          Sample keys looking for hot keys (needs an LFU maxmemory-policy).
  --scan             List all keys using the SCAN command.
  --pattern <pat>    Keys pattern when using the --scan, --bigkeys or --hotkeys
                     options (default: *).
  --count <count>    Count option when using --scan, --bigkeys or --hotkeys (default: 10).
  --type <type>      Only list keys of this type with --scan.
  --intrinsic-latency <sec> Run a test to measure intrinsic system latency.
  --eval <file>      Send an EVAL command using the Lua script at <file>.
  --verbose          Accepted for compatibility; no effect.
  --no-auth-warning  Don't show warning message when using password on command
                     line interface.
  --help             Output this help and exit.
  --version          Output version and exit.

Examples:
  cat /etc/passwd | kvik cli -x set mypasswd
  kvik cli get mypasswd
  kvik cli -r 100 lpush mylist x
  kvik cli -r 100 -i 1 info | grep used_memory_human:
  kvik cli --quoted-input set '"null-\\x00-separated"' value
  kvik cli --eval myscript.lua key1 key2 , arg1 arg2 arg3
  kvik cli --scan --pattern '*:12345*'

  (Note: when using --eval the comma separates KEYS[] from ARGV[] items)

When no command is given, kvik cli starts in interactive mode.
Type "help" in interactive mode for information on available commands
and settings.

`;
}
