/**
 * The propagation stream: every write leaves the server through here, once, in execution order,
 * as the argv to replay it (AOF, replicas and anything else that must see writes subscribe).
 */
export type PropagationListener = (dbId: number, argv: string[]) => void;

export class Propagation {
  private readonly listeners: PropagationListener[] = [];

  subscribe(listener: PropagationListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(dbId: number, argv: string[]): void {
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i](dbId, argv);
  }
}
