import { expect, test } from '@jest/globals';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeAccess } from './kubeconfig.js';

/** A loopback API that records the Authorization header it receives. */
async function api(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close: () => void }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => server.close() };
}

const kubeconfig = (server: string, user: string, context = 'ci') => `apiVersion: v1
kind: Config
current-context: ${context}
clusters:
- name: c
  cluster: { server: "${server}/" }
contexts:
- name: ci
  context: { cluster: c, user: u }
- name: other
  context: { cluster: missing, user: u }
users:
- name: u
  user: ${user}
`;

test("the current context's server and bearer token are used; an exec plugin's token too (argument array, ExecCredential)", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
  const server = await api();
  try {
    await writeFile(join(dir, 'token'), 'file-token\n');
    await writeFile(join(dir, 'a'), kubeconfig(server.url, '{ tokenFile: token }'));
    const a = await kubeAccess({ env: { KUBECONFIG: join(dir, 'a') } });
    expect(a.server).toBe(server.url);
    expect(await a.http(`${a.server}/api/v1/x`, { timeoutMs: 5000 })).toEqual({
      status: 200,
      body: { path: '/api/v1/x' },
    });
    expect(server.seen.at(-1)!.authorization).toBe('Bearer file-token');

    const plugin = join(dir, 'plugin');
    await writeFile(
      plugin,
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-'"$1"'"}}'\n`,
    );
    await chmod(plugin, 0o755);
    await writeFile(join(dir, 'b'), kubeconfig(server.url, `{ exec: { command: ${plugin}, args: ["a b"] } }`));
    const b = await kubeAccess({ env: { KUBECONFIG: join(dir, 'b') } });
    await b.http(`${b.server}/api`, { method: 'POST', body: '{}', timeoutMs: 5000 });
    expect(server.seen.at(-1)!.authorization).toBe('Bearer exec-a b');
  } finally {
    server.close();
  }
});

test('a context without a cluster, and no readable kubeconfig, are errors that point at smoke-test-url', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
  await writeFile(join(dir, 'a'), kubeconfig('http://127.0.0.1:1', '{ token: t }'));
  await expect(kubeAccess({ kubeContext: 'other', env: { KUBECONFIG: join(dir, 'a') } })).rejects.toThrow(
    'The kubeconfig\'s cluster "missing" has no server',
  );
  await expect(kubeAccess({ env: { KUBECONFIG: join(dir, 'none') } })).rejects.toThrow('No readable kubeconfig');
});
