/** The CLI's contact with its process: output streams, stdin, and ending with a status. */

export interface CliIo {
  /** Writes latin1 text (one char per byte) to stdout. */
  out(text: string): void;
  /** Writes latin1 text to stderr. */
  err(text: string): void;
  readonly stdoutIsTty: boolean;
  readonly stdinIsTty: boolean;
  /** stdin as it arrives. */
  stdinChunks(): AsyncIterable<Buffer>;
  /** All of stdin, once it ends. */
  readStdin(): Promise<Buffer>;
}

/** Thrown to end the CLI with an exit status, as redis-cli calls exit() mid-flight. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(Buffer.from(text, 'latin1')),
    err: (text) => void process.stderr.write(Buffer.from(text, 'latin1')),
    stdoutIsTty: process.stdout.isTTY === true,
    stdinIsTty: process.stdin.isTTY === true,
    stdinChunks: () => process.stdin,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
