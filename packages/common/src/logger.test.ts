import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { RecordingLogger, consoleLogger, formatLocation, silentLogger } from './logger.js';

describe('consoleLogger', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    // What a CLI user sees on each stream; the streams themselves are Node's.
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('prints information to stdout and warnings, with their location, to stderr', () => {
    const logger = consoleLogger();
    logger.info('Fetched 3 files');
    logger.warning('metric "acc" is NaN', { file: 'metrics.json', line: 4, column: 9 });
    logger.warning('no remote set');
    expect(out).toEqual(['Fetched 3 files\n']);
    expect(err).toEqual(['warning: metrics.json:4:9: metric "acc" is NaN\n', 'warning: no remote set\n']);
  });

  it('prints debug lines to stderr only when asked', () => {
    consoleLogger().debug('hidden');
    consoleLogger({ debug: false }).debug('hidden too');
    consoleLogger({ debug: true }).debug('GET s3://b/k');
    expect(err).toEqual(['debug: GET s3://b/k\n']);
    expect(out).toEqual([]);
  });
});

describe('silentLogger', () => {
  it('accepts every level and prints nothing', () => {
    const out = jest.spyOn(process.stdout, 'write');
    const err = jest.spyOn(process.stderr, 'write');
    silentLogger.info('a');
    silentLogger.warning('b', { file: 'f' });
    silentLogger.debug('c');
    expect(out).not.toHaveBeenCalled();
    expect(err).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });
});

describe('RecordingLogger', () => {
  it('keeps every line in order with its level and location, and filters them by level', () => {
    const logger = new RecordingLogger();
    logger.info('one');
    logger.warning('two', { file: 'params.yaml', line: 3 });
    logger.debug('three');
    logger.info('four');
    expect(logger.lines).toEqual([
      { level: 'info', message: 'one' },
      { level: 'warning', message: 'two', location: { file: 'params.yaml', line: 3 } },
      { level: 'debug', message: 'three' },
      { level: 'info', message: 'four' },
    ]);
    expect(logger.messages()).toEqual(['one', 'two', 'three', 'four']);
    expect(logger.messages('info')).toEqual(['one', 'four']);
    expect(logger.messages('warning')).toEqual(['two']);
    expect(new RecordingLogger().messages()).toEqual([]);
  });
});

describe('formatLocation', () => {
  it('writes file:line:column, as compilers and editors link them', () => {
    expect(formatLocation({ file: 'dvc.lock', line: 12, column: 5 })).toBe('dvc.lock:12:5');
    expect(formatLocation({ file: 'dvc.lock', line: 12 })).toBe('dvc.lock:12');
    expect(formatLocation({ file: 'dvc.lock' })).toBe('dvc.lock');
  });

  it('leaves out a column without a line, and the end of a range', () => {
    expect(formatLocation({ file: 'a.csv', column: 3 })).toBe('a.csv');
    expect(formatLocation({ file: 'a.csv', line: 1, column: 2, endLine: 4, endColumn: 1 })).toBe('a.csv:1:2');
  });
});
