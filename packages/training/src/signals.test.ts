import { describe, expect, it } from '@jest/globals';
import { Cancellation, type CancelSignal } from './signals.js';

describe('Cancellation', () => {
  it('passes raised signals to every listener and remembers them in order', () => {
    const cancellation = new Cancellation([]);
    const heard: string[] = [];
    cancellation.onSignal((signal) => heard.push(`a:${signal}`));
    cancellation.onSignal((signal) => heard.push(`b:${signal}`));
    expect(cancellation.cancelled).toBe(false);
    cancellation.raise('SIGINT');
    cancellation.raise('SIGTERM');
    expect(cancellation.cancelled).toBe(true);
    expect(cancellation.received).toEqual(['SIGINT', 'SIGTERM']);
    expect(heard).toEqual(['a:SIGINT', 'b:SIGINT', 'a:SIGTERM', 'b:SIGTERM']);
    cancellation.dispose();
  });

  it('stops telling a listener once it unsubscribes, even from inside its own call', () => {
    const cancellation = new Cancellation([]);
    const heard: CancelSignal[] = [];
    const off = cancellation.onSignal((signal) => {
      heard.push(signal);
      off();
    });
    cancellation.raise('SIGINT');
    cancellation.raise('SIGTERM');
    expect(heard).toEqual(['SIGINT']);
    expect(cancellation.received).toEqual(['SIGINT', 'SIGTERM']);
  });

  it('hears the signals process emits (what Node does when the runner sends one), and stops on dispose()', () => {
    const cancellation = new Cancellation(['SIGTERM']);
    const heard: CancelSignal[] = [];
    cancellation.onSignal((signal) => heard.push(signal));
    process.emit('SIGTERM', 'SIGTERM');
    expect(heard).toEqual(['SIGTERM']);
    expect(cancellation.received).toEqual(['SIGTERM']);
    cancellation.dispose();
    process.emit('SIGTERM', 'SIGTERM'); // no handler of ours is left to hear it
    expect(cancellation.received).toEqual(['SIGTERM']);
  });

  it('listens for SIGINT and SIGTERM by default, and removes exactly its own handlers', () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const cancellation = new Cancellation();
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    expect(process.listenerCount('SIGTERM')).toBe(before.term + 1);
    cancellation.dispose();
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
  });

  it('forgets its listeners on dispose()', () => {
    const cancellation = new Cancellation([]);
    const heard: CancelSignal[] = [];
    cancellation.onSignal((signal) => heard.push(signal));
    cancellation.dispose();
    cancellation.raise('SIGTERM');
    expect(heard).toEqual([]);
  });
});
