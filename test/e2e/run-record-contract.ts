/**
 * What the train e2e suite holds every run.json it reads to: the JSON Schema the training
 * package exports, and the layout the training README documents.
 */
import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import AjvModule from 'ajv';
import { RUN_RECORD_SCHEMA, type RunRecord } from '@mlops-gha/training';
import { repoRoot } from '../harness/run-action.js';

const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as new (
  o: object,
) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown };
};
const validate = new Ajv({ allErrors: true, strict: true }).compile(RUN_RECORD_SCHEMA);

/**
 * The run.json layout as the training README documents it: the keys of its example record
 * (the ```json block under "## run.json"), at the top and inside the objects whose keys are
 * fixed. The bytes the bundle wrote are judged against the documented contract, not only
 * against the schema the same sources export (a field dropped from both would pass the schema),
 * and a README that drifts from the code fails here too.
 */
function documentedKeys(): Record<string, string[]> {
  const readme = join(repoRoot, 'packages/training/README.md');
  const block = /^## run\.json[^\n]*\n+```json\n([\s\S]*?)\n```/m.exec(readFileSync(readme, 'utf8'));
  if (!block) throw new Error(`${readme}: no \`\`\`json block under "## run.json"`);
  const example = JSON.parse(block[1]!) as Record<string, Record<string, unknown>>;
  const fixed = ['git', 'workflow', 'exit', 'runner', 'gpu'].map((field) => [field, Object.keys(example[field]!)]);
  return Object.fromEntries([['', Object.keys(example)], ...fixed]);
}
const DOCUMENTED_KEYS = documentedKeys();

/**
 * Reads the run.json a train step wrote in `workspace` and asserts it is valid against the
 * exported schema and has exactly the documented keys at each level.
 */
export async function readRunRecord(workspace: string, path = 'run.json'): Promise<RunRecord> {
  const parsed = JSON.parse(await readFile(join(workspace, path), 'utf8')) as RunRecord;
  const valid = validate(parsed);
  expect(validate.errors ?? null).toBeNull();
  expect(valid).toBe(true);
  const doc = parsed as unknown as Record<string, Record<string, unknown>>;
  for (const [field, keys] of Object.entries(DOCUMENTED_KEYS)) {
    const value = field === '' ? doc : doc[field]!;
    expect([field, Object.keys(value).sort()]).toEqual([field, [...keys].sort()]);
  }
  expect(doc.schema).toBe('mlops-gha/run-record@1');
  return parsed;
}
