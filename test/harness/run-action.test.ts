import { describe, expect, it } from '@jest/globals';
import { NODE_VERSIONS, runAction, inputEnvName } from './run-action.js';

describe('runAction', () => {
  it('names inputs as the runner does: upper case, spaces to _, dashes kept', () => {
    expect(inputEnvName('metrics-file')).toBe('INPUT_METRICS-FILE');
    expect(inputEnvName('my input')).toBe('INPUT_MY_INPUT');
  });
});

describe.each(NODE_VERSIONS)('the probe action on Node %s', (node) => {
  it('shows inputs, masks, outputs, summary, state and env exactly as the runner would', async () => {
    const result = await runAction('probe', {
      node,
      inputs: { who: 'ada', items: 'alpha\n\n  beta  \n', loud: 'True', secret: 's3cr3t-value' },
      token: 'ghs_tokenvalue',
    });
    expect(result.nodeVersion).toMatch(new RegExp(`^v${node}\\.`));
    expect(result.exitCode).toBe(0);
    expect(result.log).toContain('hello ADA');
    expect(result.log).toContain('items: alpha|beta');
    // the default `${{ github.token }}` reached the action
    expect(result.log).toContain(`token length: ${'ghs_tokenvalue'.length}`);
    // the raw stream carries the secret; the runner's log does not
    expect(result.stdout).toContain('s3cr3t-value');
    expect(result.log).toContain('the secret is *** and stays hidden');
    expect(result.log.join('\n')).not.toContain('s3cr3t-value');
    expect(result.masks).toEqual(['s3cr3t-value']);
    // debug is hidden without RUNNER_DEBUG
    expect(result.log.join('\n')).not.toContain('a debug line');
    expect(result.debugMessages).toEqual(['a debug line']);
    expect(result.outputs).toEqual({ greeting: 'hi ada', report: 'line one\nline two\n2 items', event: 'push' });
    expect(result.exportedEnv).toEqual({ PROBE_ENV: 'one\ntwo' });
    expect(result.state).toEqual({ phase: 'main' });
    expect(result.paths).toEqual(['/opt/probe/bin']);
    expect(result.summary).toContain('<h2>Probe</h2>');
    expect(result.summary).toContain('<td>alpha</td><td>5</td>');
    expect(result.annotations).toEqual([
      { level: 'warning', message: 'a plain warning' },
      { level: 'notice', message: '50% done: a, b', file: 'a,b.txt', line: 3, title: 'Note: x' },
    ]);
  });

  it('fails with an error annotation on the file and line, exit code 1', async () => {
    const result = await runAction('probe', { node, inputs: { who: 'ada', fail: true } });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        message: 'params.yaml: `lr` must be a number\nFix: Write lr: 0.01',
        file: 'params.yaml',
        line: 4,
        col: 5,
        title: 'Bad param',
      },
    ]);
    expect(result.log).toContain('Error: params.yaml: `lr` must be a number\nFix: Write lr: 0.01');
  });

  it("fails on a missing required input with core's own message", async () => {
    const result = await runAction('probe', { node, inputs: {} });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toMatch(/^Input required and not supplied: who/);
    expect(result.outputs).toEqual({});
  });

  it('turns setFailed into exit code 1 and an error line', async () => {
    const result = await runAction('probe', { node, inputs: { who: 'x', crash: 'true' } });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)).toEqual({ level: 'error', message: 'plain failure: 100% broken' });
  });

  it('rejects a boolean input outside the YAML core schema', async () => {
    const result = await runAction('probe', { node, inputs: { who: 'x', loud: 'yes' } });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]?.message).toContain('Input `loud` must be true or false, got "yes"');
  });
});
