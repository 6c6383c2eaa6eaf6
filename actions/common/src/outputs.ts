import * as core from '@actions/core';

/**
 * Sets several outputs at once. Objects are written as JSON; undefined values are skipped
 * so that an absent output reads as "" in later steps, as the runner does for unset ones.
 */
export function setOutputs(outputs: Record<string, string | number | boolean | object | undefined | null>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value === undefined || value === null) continue;
    core.setOutput(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}
