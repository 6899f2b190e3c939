/**
 * The part of redlock 5's API these tests use. Its package ships types (dist/index.d.ts) but its
 * "exports" map names no "types" condition, so NodeNext resolution cannot find them.
 */
declare module 'redlock' {
  import type { Redis } from 'ioredis';

  export interface Settings {
    driftFactor: number;
    retryCount: number;
    retryDelay: number;
    retryJitter: number;
    automaticExtensionThreshold: number;
  }

  export class ExecutionError extends Error {}

  export class Lock {
    readonly resources: string[];
    readonly value: string;
    expiration: number;
    release(): Promise<unknown>;
    extend(duration: number): Promise<Lock>;
  }

  export default class Redlock {
    constructor(clients: Iterable<Redis>, settings?: Partial<Settings>);
    acquire(resources: string[], duration: number): Promise<Lock>;
    using<T>(resources: string[], duration: number, routine: () => Promise<T>): Promise<T>;
  }
}
