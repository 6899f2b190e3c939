/**
 * Redis's error replies, byte for byte as Redis 7.0 sends them (after the leading '-').
 * Keep every error text here so that differential tests and reviewers find them in one place.
 */
export const Err = {
  syntax: 'ERR syntax error',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  noSuchKey: 'ERR no such key',
  overflow: 'ERR increment or decrement would overflow',
  decrementOverflow: 'ERR decrement would overflow',
  incrFloatNaN: 'ERR increment would produce NaN or Infinity',
  outOfRange: 'ERR index out of range',
  invalidExpire: (command: string) => `ERR invalid expire time in '${command}' command`,
  invalidDbIndex: 'ERR DB index is out of range',
  sameObject: 'ERR source and destination objects are the same',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  offsetOutOfRange: 'ERR offset is out of range',
  lcsNotStrings: 'ERR The specified keys must contain string values',
  lcsLenAndIdx: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsNoMemory: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNotConfigured:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  /** Why ACL SETUSER refused a rule (Redis's ACLSetUserStringError). */
  aclRule: {
    unknownName: 'Unknown command or category name in ACL',
    syntax: 'Syntax error',
    keyAfterAll:
      "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
    channelAfterAll:
      "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
    noSuchPassword: 'The password you are trying to remove from the user does not exist',
    badHash:
      'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
    duplicateUser: 'Duplicate user found. A user can only be defined once in config files',
    firstArgOfSubcommand: 'Allowing first-arg of a subcommand is not supported',
  },
  aclSetUser: (op: string, reason: string) =>
    `ERR Error in ACL SETUSER modifier '${op}': ${reason}`,
  aclUnmatchedParenthesis: (op: string) =>
    `ERR Unmatched parenthesis in acl selector starting at '${op}'.`,
  aclUsernameSpaces: "ERR Usernames can't contain spaces or null characters",
  aclDefaultUserUndeletable: "ERR The 'default' user cannot be removed",
  aclUnknownCategory: (name: string) => `ERR Unknown category '${name.slice(0, 128)}'`,
  aclGenpassBits:
    'ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096',
  aclDryrunNoUser: (name: string) => `ERR User '${name}' not found`,
  aclDryrunNoCommand: (name: string) => `ERR Command '${name}' not found`,
  aclNoFile:
    'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.',
  aclSaveFailed:
    'ERR There was an error trying to save the ACLs. Please check the server logs for more information',
  nopermCommand: (fullName: string) =>
    `NOPERM this user has no permissions to run the '${fullName}' command`,
  nopermKey: 'NOPERM this user has no permissions to access one of the keys used as arguments',
  nopermChannel:
    'NOPERM this user has no permissions to access one of the channels used as arguments',
  /** A queued command the user may no longer run when EXEC comes (Redis's execCommand). */
  nopermAtExec: (reason: 'command' | 'key' | 'channel') =>
    'NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ' +
    {
      command: 'no permission to execute the command or subcommand',
      key: 'no permission to touch the specified keys',
      channel: 'no permission to access one of the channels used as arguments',
    }[reason],
  /** A command a script may not run for its caller's user (Redis's scriptVerifyACL). */
  nopermInScript: {
    command: "ERR The user executing the script can't run this command or subcommand",
    key: "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments",
    channel:
      "ERR The user executing the script can't publish to the channel mentioned in the command",
  },
  protectedMode:
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.",
  wrongArity: (command: string) => `ERR wrong number of arguments for '${command}' command`,
  unknownCommand: (name: string, args: readonly string[]) =>
    `ERR unknown command '${preview(name)}', with args beginning with: ${argsPreview(args)}`,
  unknownSubcommand: (sub: string, container: string) =>
    `ERR unknown subcommand '${preview(sub)}'. Try ${container.toUpperCase()} HELP.`,
  multiNotAllowed: 'ERR Command not allowed inside a transaction',
  invalidCommandSpecified: 'ERR Invalid command specified',
  invalidCommandArgCount: 'ERR Invalid number of arguments specified for command',
  invalidCommandArgs: 'ERR Invalid arguments specified for command',
  noKeyArguments: 'ERR The command has no key arguments',
  loading: 'LOADING Redis is loading the dataset in memory',
  noProto: 'NOPROTO unsupported protocol version',
  /** DEBUG or MODULE refused by enable-debug-command / enable-module-command. */
  protectedCommandDisabled: (command: string, option: string) =>
    `ERR ${command} command not allowed. If the ${option} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
  moduleLoadFailed: 'ERR Error loading the extension. Please check the server logs.',
  moduleUnloadNoSuchModule: 'ERR Error unloading module: no such module with that name',
  noShutdownInProgress: 'ERR No shutdown in progress.',
  // Persistence
  generic: 'ERR',
  bgsaveInProgress: 'ERR Background save already in progress',
  bgsaveDuringRewrite:
    "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  rewriteInProgress: 'ERR Background append only file rewriting already in progress',
  rewriteFailed:
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  reloadFailed: 'ERR Error trying to load the RDB dump',
  reloadOptions: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.',
  misconf:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  // CONFIG
  configUnknownOption: (name: string) =>
    `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`,
  configSetFailed: (name: string, reason: string) =>
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${reason}`,
  noConfigFile: 'ERR The server is running without a config file',
  configRewriteFailed: (reason: string) => `ERR Rewriting config file: ${reason}`,
  // DEBUG
  packedThreshold: 'ERR argument must be a memory value bigger than 1 and smaller than 4gb',
  protocolType:
    'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
  resp2NotSupported: 'ERR RESP2 is not supported by this command',
  notPositive: 'ERR value is out of range, must be positive',
  outOfRangeDb: 'ERR Out of range database',
  notEncodedAs: (encoding: 'listpack' | 'quicklist') => `ERR Not a ${encoding} encoded object.`,
  aofLoadFailed: 'ERR Error trying to load the append only file',
  notHashTable: 'ERR The value stored at the specified key is not represented using an hash table',
  debugUnsupported: (subcommand: string) => `ERR DEBUG ${subcommand} is not supported by Kvik`,
  timeoutNegative: 'ERR timeout is negative',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  expireOptions: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  gtLtOptions: 'ERR GT and LT options at the same time are not compatible',
  /** Redis prints the option with %s: it stops at a NUL byte. */
  unsupportedOption: (option: string) => `ERR Unsupported option ${option.split('\0')[0]}`,
  invalidCursor: 'ERR invalid cursor',
  /** getRangeLongFromObjectOrReply's error for an integer outside [min, max]. */
  valueOutOfRange: (min: number | bigint, max: number | bigint) =>
    `ERR value is out of range, value must between ${min} and ${max}`,
  invalidFirstDbIndex: 'ERR invalid first DB index',
  invalidSecondDbIndex: 'ERR invalid second DB index',
  lfuNotSelected:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuSelected:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  nanOrInfinity: 'ERR increment would produce NaN or Infinity',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  // Connection and CLIENT. Names printed with %s stop at a NUL byte, as in Redis.
  subcommandSyntax: (sub: string, command: string) =>
    `ERR unknown subcommand or wrong number of arguments for '${preview(sub)}'. Try ${command.toUpperCase()} HELP.`,
  protocolVersion: 'ERR Protocol version is not an integer or out of range',
  helloOption: (option: string) => `ERR Syntax error in HELLO option '${option.split('\0')[0]}'`,
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  clientNameChars: 'ERR Client names cannot contain spaces, newlines or special characters.',
  clientAttrChars: (attr: string) =>
    `ERR ${attr.split('\0')[0]} cannot contain spaces, newlines or special characters.`,
  unrecognizedOption: (option: string) => `ERR Unrecognized option '${option.split('\0')[0]}'`,
  unknownClientType: (type: string) => `ERR Unknown client type '${type.split('\0')[0]}'`,
  invalidClientId: 'ERR Invalid client ID',
  clientIdNotPositive: 'ERR client-id should be greater than 0',
  maxAgeNotInteger: 'ERR maxage is not an integer or out of range',
  maxAgeNotPositive: 'ERR maxage should be greater than 0',
  noSuchUser: (user: string) => `ERR No such user '${user.split('\0')[0]}'`,
  noSuchClient: 'ERR No such client',
  pauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  timeoutNotInteger: 'ERR timeout is not an integer or out of range',
  // Pub/Sub and client-side caching.
  pubsubContext: (command: string) =>
    `ERR Can't execute '${command}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  denyBlocking: (command: string) => `ERR ${command} isn't allowed for a DENY BLOCKING client`,
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  replicaKeyspace: "ERR Replica can't interact with the keyspace",
  slowlogCount: 'ERR count should be greater than or equal to -1',
  latencyNoSamples: (event: string) => `ERR No samples available for event '${event}'`,
  maxClients: 'ERR max number of clients reached',
  trackingRedirectTwice: 'ERR A client can only redirect to a single other client',
  trackingRedirectMissing: 'ERR The client ID you want redirect to does not exist',
  trackingPrefixWithoutBcast: 'ERR PREFIX option requires BCAST mode to be enabled',
  trackingBcastSwitch:
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
  trackingOptInBcast: 'ERR OPTIN and OPTOUT are not compatible with BCAST',
  trackingOptInOptOut: "ERR You can't specify both OPTIN mode and OPTOUT mode",
  trackingOptSwitch:
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
  trackingPrefixOverlap: (prefix: string, existing: string) =>
    `ERR Prefix '${prefix}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`,
  trackingPrefixOverlapsProvided: (prefix: string, other: string) =>
    `ERR Prefix '${prefix}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`,
  cachingWithoutOptMode:
    'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled',
  cachingYesWithoutOptIn:
    'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.',
  cachingNoWithoutOptOut:
    'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.',
  // Transactions.
  multiNested: 'ERR MULTI calls can not be nested',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  /** EXEC itself refused: the reason, without the ERR code Redis's formatted errors lack there. */
  execAbortBecause: (error: string) =>
    `EXECABORT Transaction discarded because of: ${error.startsWith('ERR ') ? error.slice(4) : error}`,
  // Lists and hashes.
  mustBePositive: 'ERR value is out of range, must be positive',
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  numkeysNotPositive: 'ERR numkeys should be greater than 0',
  countNotPositive: 'ERR count should be greater than 0',
  hashValueNotInteger: 'ERR hash value is not an integer',
  hashValueNotFloat: 'ERR hash value is not a float',
  valueNanOrInfinity: 'ERR value is NaN or Infinity',
  valueOutOfRangePlain: 'ERR value is out of range',
  // Sets and sorted sets.
  keysExceedArgs: "ERR Number of keys can't be greater than number of args",
  cardinalityLimitNegative: "ERR LIMIT can't be negative",
  countOutOfLongRange:
    'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  zaddXxAndNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  scoreNaN: 'ERR resulting score is not a number (NaN)',
  minMaxNotFloat: 'ERR min or max is not a float',
  minMaxNotLex: 'ERR min or max not valid string range item',
  zrangeLimitByRank:
    'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeWithscoresByLex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  atLeastOneKey: (command: string) => `ERR at least 1 input key is needed for '${command}' command`,
  weightNotFloat: 'ERR weight value is not a float',
  // Blocking operations.
  unblocked: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  unblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  // HyperLogLog.
  notHll: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  hllCorrupt: 'INVALIDOBJ Corrupted HLL object detected',
  hllNoSuchKey: 'ERR The specified key does not exist',
  hllNotSparse: 'ERR HLL encoding is not sparse',
  pfdebugUnknown: (sub: string) => `ERR Unknown PFDEBUG subcommand '${sub.split('\0')[0]}'`,
  // Bitmaps.
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  bitposBit: 'ERR The bit argument must be 1 or 0.',
  bitopNotKeys: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType:
    'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflow: 'ERR Invalid OVERFLOW type specified',
  bitfieldRoWrite: 'ERR BITFIELD_RO only supports the GET subcommand',
  // Geo. Numbers are printed with "%f", the command name as the client typed it.
  geoInvalidPosition: (lon: string, lat: string) =>
    `ERR invalid longitude,latitude pair ${lon},${lat}`,
  geoUnit: 'ERR unsupported unit provided. please use M, KM, FT, MI',
  geoRadiusNotNumber: 'ERR need numeric radius',
  geoRadiusNegative: 'ERR radius cannot be negative',
  geoWidthNotNumber: 'ERR need numeric width',
  geoHeightNotNumber: 'ERR need numeric height',
  geoBoxNegative: 'ERR height or width cannot be negative',
  geoMemberMissing: 'ERR could not decode requested zset member',
  geoCountNotPositive: 'ERR COUNT must be > 0',
  geoAnyWithoutCount: 'ERR the ANY argument requires COUNT argument',
  geoStoreWithOptions: (what: string) =>
    `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
  geoNoFrom: (command: string) =>
    `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${command}`,
  geoNoBy: (command: string) =>
    `ERR exactly one of BYRADIUS and BYBOX can be specified for ${command}`,
  // SORT.
  sortScoreNotDouble: "ERR One or more scores can't be converted into double",
  // Streams. Names printed with %s stop at a NUL byte, as in Redis.
  invalidStreamId: 'ERR Invalid stream ID specified as stream command argument',
  xaddIdTooSmall:
    'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  xaddIdZero: 'ERR The ID specified in XADD must be greater than 0-0',
  streamExhausted: 'ERR The stream has exhausted the last possible ID, unable to add more items',
  streamElementsTooLarge: 'ERR Elements are too large to be stored',
  trimBothStrategies:
    'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
  maxlenNegative: 'ERR The MAXLEN argument must be >= 0.',
  limitNegative: 'ERR The LIMIT argument must be >= 0.',
  limitWithoutStrategy:
    'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
  xtrimWithoutStrategy: 'ERR syntax error, XTRIM must be called with a trimming strategy',
  limitWithoutApprox: 'ERR syntax error, LIMIT cannot be used without the special ~ option',
  invalidStartId: 'ERR invalid start ID for the interval',
  invalidEndId: 'ERR invalid end ID for the interval',
  xreadUnbalanced:
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  xreadGroupOption:
    'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
  xreadNoackOption:
    'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
  xreadgroupMissingGroup: 'ERR Missing GROUP option for XREADGROUP',
  xreadgroupDollar:
    'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  xreadGreaterThan:
    'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  xreadgroupNoGroup: (key: string, group: string) =>
    `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}' in XREADGROUP with GROUP option`,
  noKeyOrGroup: (key: string, group: string) =>
    `NOGROUP No such key '${cString(key)}' or consumer group '${cString(group)}'`,
  noGroupForKey: (group: string, key: string) =>
    `NOGROUP No such consumer group '${cString(group)}' for key name '${cString(key)}'`,
  groupDestroyedWhileBlocked:
    'NOGROUP the consumer group this client was blocked on no longer exists',
  streamKeyGone: 'UNBLOCKED the stream key no longer exists',
  blockInScript: (command: string) =>
    `ERR ${cString(command)} command is not allowed with BLOCK option from scripts`,
  busyGroup: 'BUSYGROUP Consumer Group name already exists',
  xgroupKeyMissing:
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  entriesReadNegative: 'ERR value for ENTRIESREAD must be positive or -1',
  entriesAddedNegative: 'ERR entries_added must be positive',
  xsetidBelowMaxDeleted:
    'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  xsetidBelowTop: 'ERR The ID specified in XSETID is smaller than the target stream top item',
  xsetidEntriesAdded:
    'ERR The entries_added specified in XSETID is smaller than the target stream length',
  xclaimArgument: (what: string) => `ERR Invalid ${what} argument for XCLAIM`,
  xclaimOption: (option: string) => `ERR Unrecognized XCLAIM option '${cString(option)}'`,
  xautoclaimMinIdle: 'ERR Invalid min-idle-time argument for XAUTOCLAIM',
  xautoclaimCount: 'ERR COUNT must be > 0',
  xautoclaimCountMemory:
    'ERR Insufficient memory, failed allocating transient memory, COUNT too high.',
  // Scripting and functions.
  busyScript:
    'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  busyFunction:
    'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  unkillable:
    'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  scriptWriteFlagRo: 'ERR Can not execute a script with write flag using *_ro command.',
  tooManyKeys: "ERR Number of keys can't be greater than number of args",
  negativeKeys: "ERR Number of keys can't be negative",
  functionNotFound: 'ERR Function not found',
  badNumberOfKeys: 'ERR Bad number of keys provided',
  libraryNotFound: 'ERR Library not found',
  scriptFlushOption: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
  functionFlushOption: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option',
  scriptDebugOption: 'ERR Use SCRIPT DEBUG YES/SYNC/NO',
  scriptDebugUnsupported:
    'ERR SCRIPT DEBUG YES and SYNC (the Lua debugger) are not supported by Kvik',
  functionListArgument: (arg: string) => `ERR Unknown argument ${cString(arg)}`,
  libraryNameMissing: 'ERR library name argument was not given',
  restorePolicy: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
  badDumpPayload: 'ERR DUMP payload version or checksum are wrong',
  busyKey: 'BUSYKEY Target key name already exists.',
  badDataFormat: 'ERR Bad data format',
  invalidTtl: 'ERR Invalid TTL value, must be >= 0',
  invalidIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  invalidFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  migrateKeysNeedEmptyKey:
    'ERR When using MIGRATE KEYS option, the key argument must be set to the empty string',
  migrateConnect: 'IOERR error or timeout connecting to the client',
  migrateIo: (stage: 'writing' | 'reading') => `IOERR error or timeout ${stage} to target instance`,
  migrateTarget: (error: string) => `ERR Target instance replied with error: ${error}`,
} as const;

/** The text of an argument Redis prints with %s: up to the first NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/**
 * Redis shows at most 128 bytes of a user-supplied name in an error; longer ones are cut there,
 * and so are names with a NUL byte, at the NUL. (Redis 7.0's printf with %.128s.)
 */
function preview(s: string): string {
  const nul = s.indexOf('\0');
  const text = nul < 0 ? s : s.slice(0, nul);
  return text.length > 128 ? text.slice(0, 128) : text;
}

/** Redis quotes the arguments of an unknown command until 128 bytes of them are shown. */
function argsPreview(args: readonly string[]): string {
  let out = '';
  for (let i = 0; i < args.length && out.length < 128; i++) {
    out += `'${preview(args[i]).slice(0, 128 - out.length)}' `;
  }
  return out;
}
