import { describe, expect, it } from '@jest/globals';
import { stepHookOf, withStepHook } from './step-hook.js';
import type { PushStep } from './types.js';

describe('the push-step hook', () => {
  it('rides on a copy of the options, reachable only through stepHookOf', async () => {
    const options = { actor: 'octocat', skipProbe: true };
    const seen: PushStep[] = [];
    const hooked = withStepHook(options, (step) => void seen.push(step));
    expect(hooked).not.toBe(options);
    expect(Object.keys(hooked)).toEqual(['actor', 'skipProbe']); // no visible (string-keyed) option added
    expect(JSON.stringify(hooked)).toBe(JSON.stringify(options));
    await stepHookOf(hooked)!('claimed');
    expect(seen).toEqual(['claimed']);
  });

  it('options without a hook, including the original of a hooked copy, have none', () => {
    const options = { actor: 'a' };
    withStepHook(options, () => undefined);
    expect(stepHookOf(options)).toBeUndefined();
    expect(stepHookOf({})).toBeUndefined();
  });
});
