/** CustomResourceDefinitions the double can be started with, installed through its own API as a client would. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const KSERVE_CRD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures/kserve-inferenceservice-crd.yaml');

export async function installCrd(cluster: { url: string }, manifestPath: string): Promise<void> {
  const crd = parseYaml(readFileSync(manifestPath, 'utf8'));
  const response = await fetch(`${cluster.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(crd),
  });
  if (response.status !== 201)
    throw new Error(`installing ${manifestPath} failed: ${response.status} ${await response.text()}`);
}
