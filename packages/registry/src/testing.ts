/** For tests only (`@mlops-gha/registry/testing`): the push-step hook, kept out of the public options. */
export { withStepHook, type StepHook } from './step-hook.js';
export type { PushStep } from './types.js';
