import { describe, expect, test } from '@jest/globals';
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

/** The UserError a kubeAccess call rejects with (message, fix, location), or a failure when it resolves. */
async function refusal(
  kubeContext: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ message: string; fix?: string; location?: { file: string } }> {
  return kubeAccess({ ...(kubeContext ? { kubeContext } : {}), env }).then(
    () => {
      throw new Error('kubeAccess resolved, but an error was expected');
    },
    (e: { name: string; message: string; fix?: string; location?: { file: string } }) => {
      expect(e.name).toBe('UserError');
      return e;
    },
  );
}

describe('every kubeconfig error names the file, the field and the fix (issue 10)', () => {
  test('a cluster entry without a server names the file that defines it and `server`', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(
      file,
      'current-context: ci\nclusters:\n- name: c\n  cluster: { insecure-skip-tls-verify: true }\ncontexts:\n- name: ci\n  context: { cluster: c, user: u }\nusers:\n- name: u\n  user: { token: t }\n',
    );
    const e = await refusal(undefined, { KUBECONFIG: file });
    expect(e.message).toBe(
      `The kubeconfig's cluster "c" has no server: its entry in ${file} lacks \`server\` (clusters[name=c].cluster.server)`,
    );
    expect(e.location).toEqual({ file });
    expect(e.fix).toContain(`Add \`server: https://…\` to the cluster "c" in ${file}`);
    expect(e.fix).toContain('`smoke-test-url`');
  });

  test('a context naming a cluster no file defines names the context, its file and every file searched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    await writeFile(join(dir, 'a'), kubeconfig('http://127.0.0.1:1', '{ token: t }'));
    await writeFile(join(dir, 'b'), 'clusters:\n- name: other-c\n  cluster: { server: "https://x" }\n');
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    const e = await refusal('other', { KUBECONFIG: `${a}:${b}` });
    expect(e.message).toBe(
      `The kubeconfig's cluster "missing" has no server: the context "other" in ${a} names it, but no kubeconfig file defines it (searched ${a}, ${b}; clusters defined: c, other-c)`,
    );
    expect(e.location).toEqual({ file: a });
    expect(e.fix).toContain(`Set \`cluster\` of the context "other" in ${a} to one of c, other-c`);
  });

  test('an unknown context names `kube-context` and the contexts each file has', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(file, kubeconfig('http://127.0.0.1:1', '{ token: t }'));
    const e = await refusal('prod', { KUBECONFIG: file });
    expect(e.message).toBe(
      `The kubeconfig has no context "prod" (named by the \`kube-context\` input; searched ${file}; contexts defined: ci, other)`,
    );
    expect(e.fix).toContain('Set `kube-context` to one of ci, other');
  });

  test('a current-context that no file defines names the file that sets it and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(file, kubeconfig('http://127.0.0.1:1', '{ token: t }', 'gone'));
    const e = await refusal(undefined, { KUBECONFIG: file });
    expect(e.message).toBe(
      `The kubeconfig has no context "gone" (named by \`current-context\` in ${file}; searched ${file}; contexts defined: ci, other)`,
    );
    expect(e.location).toEqual({ file });
    expect(e.fix).toContain(`Set \`current-context\` in ${file} to one of ci, other`);
  });

  test('no current-context at all names the files searched and both ways to choose one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(file, 'contexts:\n- name: ci\n  context: { cluster: c }\n');
    const e = await refusal(undefined, { KUBECONFIG: file });
    expect(e.message).toBe(
      `The kubeconfig sets no \`current-context\` and \`kube-context\` is empty (searched ${file}; contexts defined: ci)`,
    );
    expect(e.fix).toContain('Set `kube-context` to one of ci');
  });

  test('a context without `cluster` names its file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(file, 'current-context: ci\ncontexts:\n- name: ci\n  context: { user: u }\n');
    const e = await refusal(undefined, { KUBECONFIG: file });
    expect(e.message).toBe(
      `The kubeconfig's context "ci" in ${file} has no \`cluster\` (contexts[name=ci].context.cluster)`,
    );
    expect(e.location).toEqual({ file });
  });

  test('the removed auth-provider names the user, the file that defines the user, and the exec plugin to use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const clusters = join(dir, 'clusters');
    const users = join(dir, 'users');
    await writeFile(clusters, kubeconfig('http://127.0.0.1:1', '{ token: t }').replace(/users:[\s\S]*$/, ''));
    await writeFile(
      users,
      'users:\n- name: u\n  user:\n    auth-provider: { name: gcp, config: { access-token: s3cret } }\n',
    );
    const e = await refusal(undefined, { KUBECONFIG: `${clusters}:${users}` });
    expect(e.message).toBe(
      `The kubeconfig user "u" in ${users} uses the removed auth-provider "gcp" (users[name=u].user.auth-provider), which kubectl 1.26 and later refuse too`,
    );
    expect(e.location).toEqual({ file: users });
    expect(e.fix).toContain(`Replace \`auth-provider\` of the user "u" in ${users} with an \`exec\` plugin`);
    expect(e.fix).toContain('gke-gcloud-auth-plugin');
    expect(`${e.message} ${e.fix}`).not.toContain('s3cret');
  });

  test.each([
    ['certificate-authority', 'cluster', 'clusters[name=c].cluster.certificate-authority'],
    ['client-certificate', 'user', 'users[name=u].user.client-certificate'],
    ['client-key', 'user', 'users[name=u].user.client-key'],
    ['tokenFile', 'user', 'users[name=u].user.tokenFile'],
  ])('an unreadable %s file names the kubeconfig, the field and the resolved path', async (field, side, path) => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    const text =
      side === 'cluster'
        ? kubeconfig('http://127.0.0.1:1', '{ token: t }').replace(
            'cluster: { server: "http://127.0.0.1:1/" }',
            `cluster: { server: "http://127.0.0.1:1/", ${field}: certs/nowhere.pem }`,
          )
        : kubeconfig('http://127.0.0.1:1', `{ ${field}: certs/nowhere.pem }`);
    await writeFile(file, text);
    const e = await refusal(undefined, { KUBECONFIG: file });
    expect(e.message).toMatch(
      new RegExp(
        `^The kubeconfig ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \`${field}\` \\(${path.replace(/[.[\]]/g, '\\$&')}\\) points at ${join(dir, 'certs/nowhere.pem').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, which cannot be read \\(ENOENT`,
      ),
    );
    expect(e.location).toEqual({ file });
    expect(e.fix).toContain(`relative to ${dir}`);
  });

  test('an exec plugin that cannot start, fails, or prints no credential names the user, its file and the plugin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const file = join(dir, 'config');
    await writeFile(file, kubeconfig('http://127.0.0.1:1', `{ exec: { command: ${join(dir, 'no-such-plugin')} } }`));
    const missing = await refusal(undefined, { KUBECONFIG: file });
    expect(missing.message).toMatch(
      new RegExp(
        `^The exec plugin .*no-such-plugin of the kubeconfig user "u" \\(users\\[name=u\\]\\.user\\.exec in .*config\\) could not run: .*ENOENT`,
      ),
    );
    expect(missing.location).toEqual({ file });

    const failing = join(dir, 'failing');
    await writeFile(failing, '#!/bin/sh\necho "token expired: run login" >&2\nexit 3\n');
    await chmod(failing, 0o755);
    await writeFile(file, kubeconfig('http://127.0.0.1:1', `{ exec: { command: ${failing} } }`));
    const failed = await refusal(undefined, { KUBECONFIG: file });
    expect(failed.message).toBe(
      `The exec plugin ${failing} of the kubeconfig user "u" (users[name=u].user.exec in ${file}) exited with 3: token expired: run login`,
    );

    const silent = join(dir, 'silent');
    await writeFile(silent, '#!/bin/sh\necho "not json"\n');
    await chmod(silent, 0o755);
    await writeFile(file, kubeconfig('http://127.0.0.1:1', `{ exec: { command: ${silent} } }`));
    const empty = await refusal(undefined, { KUBECONFIG: file });
    expect(empty.message).toBe(
      `The exec plugin ${silent} of the kubeconfig user "u" (users[name=u].user.exec in ${file}) printed no ExecCredential with a token or a client certificate`,
    );
  });

  test('no readable kubeconfig names each file, why it was skipped, and where the list came from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeconfig-'));
    const bad = join(dir, 'bad');
    await writeFile(bad, 'a: [unclosed\n');
    const none = join(dir, 'none');
    const e = await refusal(undefined, { KUBECONFIG: `${none}:${bad}` });
    expect(e.message).toMatch(
      new RegExp(
        `^No readable kubeconfig to find the release's Service with \\(KUBECONFIG lists ${none.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: does not exist; ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not YAML`,
      ),
    );
    expect(e.fix).toContain('`smoke-test-url`');
  });
});
