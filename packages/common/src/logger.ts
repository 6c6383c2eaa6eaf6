import type { FileLocation } from './errors.js';

/**
 * What packages print through. Packages never write to stdout themselves: an action passes a
 * logger over @actions/core, a CLI one over the console, a test a recording one.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string, location?: FileLocation): void;
  debug(message: string): void;
}

export const silentLogger: Logger = {
  info() {},
  warning() {},
  debug() {},
};

/** A logger for command-line tools: info to stdout, warnings to stderr, debug when asked. */
export function consoleLogger(options: { debug?: boolean } = {}): Logger {
  return {
    info: (message) => process.stdout.write(`${message}\n`),
    warning: (message, location) =>
      process.stderr.write(`warning: ${location ? `${formatLocation(location)}: ` : ''}${message}\n`),
    debug: (message) => {
      if (options.debug) process.stderr.write(`debug: ${message}\n`);
    },
  };
}

/** A logger that keeps what it was told, for tests and for summaries. */
export class RecordingLogger implements Logger {
  readonly lines: { level: 'info' | 'warning' | 'debug'; message: string; location?: FileLocation }[] = [];
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warning(message: string, location?: FileLocation): void {
    this.lines.push({ level: 'warning', message, location });
  }
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  messages(level?: 'info' | 'warning' | 'debug'): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.message);
  }
}

export function formatLocation(location: FileLocation): string {
  let text = location.file;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.line !== undefined && location.column !== undefined) text += `:${location.column}`;
  return text;
}
