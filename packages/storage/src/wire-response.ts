/**
 * One answer of the lean HTTP/1.1 client (wire.ts): status and headers at once, the body
 * handed to a synchronous sink as the connection reads it. Pieces that come before a sink is
 * attached are copied and held (the connection then pauses); a sink's pieces are views of the
 * client's reused read buffer, valid only during the call.
 */

/** A body piece is a view of the shared read buffer: valid only during the sink call. */
export type BodySink = (chunk: Buffer) => void;

/** What an answer asks of its connection. */
export interface ConnectionControl {
  pauseReading(): void;
  resumeReading(): void;
  close(): void;
}

export function wireError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One answer: status and headers at once, the body when `read` gives it a sink. */
export class WireResponse {
  /** Body bytes that came before a sink was attached (copies: the read buffer is reused). */
  private pending: Buffer[] = [];
  private sink?: BodySink;
  private settle?: { resolve: (bytes: number) => void; reject: (error: Error) => void };
  private bytes = 0;
  private ended = false;
  private failure?: Error;

  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string | undefined>,
    private readonly connection: ConnectionControl,
  ) {}

  /** Feeds the body to `sink` and resolves with its length; rejects when it is cut. */
  read(sink: BodySink): Promise<number> {
    if (this.sink || this.settle) return Promise.reject(new Error('The body is already being read'));
    return new Promise<number>((resolve, reject) => {
      this.settle = { resolve, reject };
      try {
        for (const chunk of this.pending) sink(chunk);
      } catch (error) {
        this.pending = [];
        this.failure = error as Error;
        if (!this.ended) this.connection.close(); // a complete body left the connection sound
        reject(error as Error);
        return;
      }
      this.pending = [];
      this.sink = sink;
      if (this.failure) reject(this.failure);
      else if (this.ended) resolve(this.bytes);
      else this.connection.resumeReading();
    });
  }

  /** The whole body in one Buffer. */
  async bytesAll(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const length = await this.read((c) => void chunks.push(Buffer.from(c)));
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  }

  /** Pieces of the body as copies, for code written against streams (small or rare bodies). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const queue: Buffer[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: Error | undefined;
    const done = this.read((c) => {
      queue.push(Buffer.from(c));
      if (queue.length > 8) this.connection.pauseReading(); // the consumer is behind
      wake?.();
    }).then(
      () => void (finished = true),
      (error: Error) => void (failure = error),
    );
    void done.then(() => wake?.());
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk) {
          if (queue.length === 0 && !finished) this.connection.resumeReading();
          yield chunk;
        } else if (failure) throw failure;
        else if (finished) return;
        else await new Promise<void>((r) => (wake = r));
      }
    } finally {
      if (!finished) this.destroy(); // left early: the rest is not read
    }
  }

  /** Drops the answer unread (and its connection, unless the body is complete). */
  resume(): void {
    if (!this.ended) this.destroy();
  }

  /** Ends the exchange: the connection is closed, a pending read rejects. */
  destroy(error?: Error): void {
    this.fail(error ?? wireError('The answer was dropped before its end', 'ECONNRESET'));
    this.connection.close();
  }

  /** @internal a body piece from the connection; false: pause until a sink is attached. */
  push(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (!this.sink) {
      this.pending.push(Buffer.from(chunk));
      return false;
    }
    try {
      this.sink(chunk);
    } catch (error) {
      this.destroy(error as Error);
      return false;
    }
    return true;
  }

  /** @internal the body is complete. */
  end(): void {
    this.ended = true;
    if (this.sink) this.settle?.resolve(this.bytes);
  }

  /** @internal the body cannot complete. */
  fail(error: Error): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    if (this.sink || this.settle) this.settle?.reject(error);
  }
}
