import { describe, expect, it } from '@jest/globals';
import { actionsLogger } from './logger.js';
import { captureLog } from '../../../test/harness/workflow-log.js';

describe('actionsLogger', () => {
  it('prints info as a plain log line and debug as a debug command', async () => {
    const log = await captureLog(() => {
      const logger = actionsLogger();
      logger.info('data-pull: 3 files, 12 MB');
      logger.debug('cache hit for 2c26b46b');
    });
    expect(log.lines[0]).toBe('data-pull: 3 files, 12 MB');
    expect(log.commands).toEqual([{ command: 'debug', properties: {}, data: 'cache hit for 2c26b46b' }]);
    expect(log.annotations).toEqual([]);
  });

  it('turns a warning with a location into an annotation on that file, line and column', async () => {
    const log = await captureLog(() =>
      actionsLogger().warning('metric "acc" is missing; the rule is skipped', {
        file: 'gate.yaml',
        line: 4,
        column: 3,
        endLine: 4,
        endColumn: 9,
      }),
    );
    expect(log.annotations).toEqual([
      {
        level: 'warning',
        message: 'metric "acc" is missing; the rule is skipped',
        file: 'gate.yaml',
        line: 4,
        col: 3,
        endLine: 4,
        endColumn: 9,
      },
    ]);
  });

  it('annotates a warning without a location on the step, keeping its lines and escaping what it contains', async () => {
    const log = await captureLog(() => actionsLogger().warning('two lines\n::error::not a command; 100% sure'));
    expect(log.lines).toHaveLength(1);
    expect(log.annotations).toEqual([{ level: 'warning', message: 'two lines\n::error::not a command; 100% sure' }]);
  });
});
