/**
 * Keyspace notifications (Redis's notify.c): each keyspace event whose class
 * `notify-keyspace-events` enables is published on `__keyspace@<db>__:<key>` (message: the event)
 * and/or `__keyevent@<db>__:<event>` (message: the key).
 */
import type { NotifyClass } from '../keyspace/keyspace.js';
import { NOTIFY } from './config-special.js';
import type { PubSubHub } from './pubsub.js';

/** The notify-keyspace-events bit of each event class letter. */
const CLASS_BITS: Record<NotifyClass, number> = {
  g: NOTIFY.generic,
  $: NOTIFY.string,
  l: NOTIFY.list,
  s: NOTIFY.set,
  h: NOTIFY.hash,
  z: NOTIFY.zset,
  x: NOTIFY.expired,
  e: NOTIFY.evicted,
  t: NOTIFY.stream,
  m: NOTIFY.keyMiss,
  d: NOTIFY.module,
  n: NOTIFY.new,
};

export class KeyspaceNotifier {
  /** The notify-keyspace-events flags in force (the server updates them on CONFIG SET). */
  flags = 0;

  constructor(private readonly pubsub: PubSubHub) {}

  notify(type: NotifyClass, event: string, key: string, dbId: number): void {
    const flags = this.flags;
    if ((flags & CLASS_BITS[type]) === 0) return;
    if (flags & NOTIFY.keyspace) this.pubsub.publish(`__keyspace@${dbId}__:${key}`, event);
    if (flags & NOTIFY.keyevent) this.pubsub.publish(`__keyevent@${dbId}__:${event}`, key);
  }
}
