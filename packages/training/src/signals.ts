export type CancelSignal = 'SIGINT' | 'SIGTERM';

/**
 * Catches the signals a workflow cancel or a step timeout sends (the runner sends SIGINT to the
 * action's node process, then SIGTERM 7.5 s later, then kills it 2.5 s after that) so that the
 * process does not die at once: the signals are passed to listeners (the running command) and
 * remembered, and the run can still be recorded and uploaded. Call `dispose()` at the end.
 */
export class Cancellation {
  readonly received: CancelSignal[] = [];
  private readonly listeners = new Set<(signal: CancelSignal) => void>();
  private readonly handlers = new Map<CancelSignal, () => void>();

  constructor(signals: CancelSignal[] = ['SIGINT', 'SIGTERM']) {
    for (const signal of signals) {
      const handler = () => this.raise(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  get cancelled(): boolean {
    return this.received.length > 0;
  }

  /** Delivers a signal as if it had arrived (used by tests and by callers that cancel on their own). */
  raise(signal: CancelSignal): void {
    this.received.push(signal);
    for (const listener of [...this.listeners]) listener(signal);
  }

  onSignal(listener: (signal: CancelSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
    this.listeners.clear();
  }
}
