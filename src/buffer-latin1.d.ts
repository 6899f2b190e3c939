/**
 * Node's Buffer has had latin1Slice/latin1Write since its first versions; they skip the argument
 * normalisation of toString('latin1') / write(s, 'latin1'), which matters on the request path.
 */
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}
export {};
