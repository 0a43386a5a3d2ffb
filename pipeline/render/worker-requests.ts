/**
 * Requests to a worker thread (or a port to one), each answered by a reply with its id. The
 * worker is held (ref) while an answer is awaited and let go (unref) when none is, so it never
 * keeps the process alive when idle. Used by the font worker's clients (fonts/subset.ts) and by
 * the EPUB's thread (epub/in-thread.ts); the owner fails what is waiting when its worker dies.
 */
import type { MessagePort, TransferListItem, Worker } from 'node:worker_threads';

export class WorkerRequests<Reply extends { id: number }> {
  private readonly pending = new Map<number, { resolve(reply: Reply): void; reject(error: unknown): void }>();
  private nextId = 0;

  constructor(readonly endpoint: Worker | MessagePort) {
    endpoint.on('message', (reply: Reply) => {
      const call = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!this.pending.size) endpoint.unref();
      call?.resolve(reply);
    });
    endpoint.unref(); // after the listener: adding one refs it again
  }

  /** Post `message` with a fresh id; the reply that carries it. */
  send(message: Record<string, unknown>, transfer: TransferListItem[] = []): Promise<Reply> {
    const id = this.nextId++;
    this.endpoint.ref();
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.endpoint.postMessage({ ...message, id }, transfer);
    });
  }

  /** Reject every request still waiting (its worker died). */
  failAll(error: unknown): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
