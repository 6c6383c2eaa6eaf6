/**
 * A hook called at named points of a push (after hashing, after the claim, after the manifest,
 * ...): fault injection for the crash and race tests and for the CLI's
 * MLOPS_REGISTRY_FAULT_KILL_AT. It rides on the options under a symbol so that it is not part of
 * the public `RegistryOptions`; tests reach it through `@mlops-gha/registry/testing`.
 */
import type { PushStep, RegistryOptions } from './types.js';

export type StepHook = (step: PushStep) => void | Promise<void>;

const STEP_HOOK = Symbol('mlops-gha/registry: push step hook');

/** `options` with `hook` attached: `Registry.open(url, withStepHook({ actor }, (step) => ...))`. */
export function withStepHook<T extends RegistryOptions>(options: T, hook: StepHook): T {
  return { ...options, [STEP_HOOK]: hook };
}

export function stepHookOf(options: RegistryOptions): StepHook | undefined {
  return (options as { [STEP_HOOK]?: StepHook })[STEP_HOOK];
}
