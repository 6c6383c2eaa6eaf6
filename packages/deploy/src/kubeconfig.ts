/**
 * Enough of a kubeconfig to call the Kubernetes API the way helm does from the same job: the
 * context (`kube-context`, else current-context) from the files in KUBECONFIG (or
 * ~/.kube/config), its cluster's server and CA, and its user's credentials: a token (or token
 * file), a client certificate, basic auth, or an exec plugin (EKS, GKE, AKS login tools),
 * run with an argument array. Requests go through node:https with those settings; secrets
 * never reach a message.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, delimiter } from 'node:path';
import { UserError } from '@mlops-gha/common';
import { parse } from 'yaml';
import { parseBody, type HttpJson } from './smoke.js';

interface KubeDoc {
  'current-context'?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  clusters?: {
    name: string;
    cluster?: {
      server?: string;
      'certificate-authority'?: string;
      'certificate-authority-data'?: string;
      'insecure-skip-tls-verify'?: boolean;
      'tls-server-name'?: string;
    };
  }[];
  users?: {
    name: string;
    user?: {
      token?: string;
      tokenFile?: string;
      'client-certificate'?: string;
      'client-certificate-data'?: string;
      'client-key'?: string;
      'client-key-data'?: string;
      username?: string;
      password?: string;
      exec?: { command: string; args?: string[]; env?: { name: string; value: string }[]; apiVersion?: string };
      'auth-provider'?: { name?: string };
    };
  }[];
}

export interface KubeAccess {
  server: string;
  /** The kubeconfig file the context came from (for messages). */
  source: string;
  http: HttpJson;
}

const FIX =
  "Give the model server's address in `smoke-test-url`, or make the kubeconfig helm uses (KUBECONFIG, `kube-context`) usable by a plain client.";

type Loaded = { doc: KubeDoc; file: string };

function loadFiles(env: NodeJS.ProcessEnv): Loaded[] {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  const loaded: Loaded[] = [];
  for (const file of files) {
    try {
      loaded.push({ doc: (parse(readFileSync(file, 'utf8')) ?? {}) as KubeDoc, file });
    } catch {
      /* helm skips unreadable files of a KUBECONFIG list too */
    }
  }
  if (!loaded.length)
    throw new UserError(`No readable kubeconfig (${files.join(', ')}) to find the release's Service with`, {
      fix: FIX,
    });
  return loaded;
}

/** The first definition of a name wins, as kubectl merges a KUBECONFIG list. */
function find<K extends 'contexts' | 'clusters' | 'users'>(loaded: Loaded[], key: K, name: string) {
  for (const l of loaded) {
    const list = l.doc[key] as NonNullable<KubeDoc[K]> | undefined;
    const hit = list?.find((x) => x?.name === name) as NonNullable<KubeDoc[K]>[number] | undefined;
    if (hit) return { hit, file: l.file };
  }
  return undefined;
}

const relative = (file: string, path: string) => (isAbsolute(path) ? path : join(dirname(file), path));

export async function kubeAccess(options: { kubeContext?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubeAccess> {
  const env = options.env ?? process.env;
  const loaded = loadFiles(env);
  const contextName = options.kubeContext ?? loaded.find((l) => l.doc['current-context'])?.doc['current-context'];
  const context = contextName ? find(loaded, 'contexts', contextName)?.hit.context : undefined;
  if (!context?.cluster)
    throw new UserError(
      `The kubeconfig has no context ${contextName ? JSON.stringify(contextName) : '(no current-context)'} with a cluster`,
      { fix: FIX },
    );
  const clusterEntry = find(loaded, 'clusters', context.cluster);
  const cluster = clusterEntry?.hit.cluster;
  if (!cluster?.server)
    throw new UserError(`The kubeconfig's cluster ${JSON.stringify(context.cluster)} has no server`, { fix: FIX });
  const userEntry = context.user ? find(loaded, 'users', context.user) : undefined;
  const user = userEntry?.hit.user ?? {};
  if (user['auth-provider'])
    throw new UserError(
      `The kubeconfig user ${JSON.stringify(context.user)} uses the removed auth-provider ${JSON.stringify(user['auth-provider'].name ?? '')}`,
      { fix: FIX },
    );
  const file = clusterEntry!.file;
  const userFile = userEntry?.file ?? file;
  const tls: RequestOptions = {};
  if (cluster['certificate-authority-data']) tls.ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
  else if (cluster['certificate-authority']) tls.ca = readFileSync(relative(file, cluster['certificate-authority']));
  if (cluster['insecure-skip-tls-verify']) tls.rejectUnauthorized = false;
  if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name'];
  if (user['client-certificate-data']) tls.cert = Buffer.from(user['client-certificate-data'], 'base64');
  else if (user['client-certificate']) tls.cert = readFileSync(relative(userFile, user['client-certificate']));
  if (user['client-key-data']) tls.key = Buffer.from(user['client-key-data'], 'base64');
  else if (user['client-key']) tls.key = readFileSync(relative(userFile, user['client-key']));
  let authorization: string | undefined;
  if (user.token) authorization = `Bearer ${user.token}`;
  else if (user.tokenFile) authorization = `Bearer ${readFileSync(relative(userFile, user.tokenFile), 'utf8').trim()}`;
  else if (user.username && user.password)
    authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  else if (user.exec) {
    const credential = await execCredential(user.exec, env);
    if (credential.token) authorization = `Bearer ${credential.token}`;
    if (credential.cert) tls.cert = credential.cert;
    if (credential.key) tls.key = credential.key;
  }
  const server = cluster.server.replace(/\/+$/, '');
  const http: HttpJson = (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        target,
        {
          ...(target.protocol === 'https:' ? tls : {}),
          method: init.method ?? 'GET',
          headers: {
            accept: 'application/json',
            ...(authorization ? { authorization } : {}),
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          timeout: init.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer from ${target.origin} within ${init.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(init.body);
    });
  return { server, source: file, http };
}

/** Runs a client-go exec credential plugin (argument array, no shell) and reads its ExecCredential. */
async function execCredential(
  exec: NonNullable<NonNullable<NonNullable<KubeDoc['users']>[number]['user']>['exec']>,
  env: NodeJS.ProcessEnv,
): Promise<{ token?: string; cert?: Buffer; key?: Buffer }> {
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const e of exec.env ?? []) childEnv[e.name] = e.value;
  childEnv.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(exec.command, exec.args ?? [], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', (e) =>
      reject(new UserError(`The kubeconfig's exec plugin ${exec.command} could not run: ${e.message}`, { fix: FIX })),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new UserError(`The kubeconfig's exec plugin ${exec.command} exited with ${code}`, { fix: FIX })),
    );
  });
  const status = (parseBody(out) as { status?: Record<string, string> }).status ?? {};
  return {
    ...(status.token ? { token: status.token } : {}),
    ...(status.clientCertificateData ? { cert: Buffer.from(status.clientCertificateData) } : {}),
    ...(status.clientKeyData ? { key: Buffer.from(status.clientKeyData) } : {}),
  };
}
