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

/** Every error of this module: the message names the file and the field; the fix ends with the way around. */
const refuse = (message: string, fix: string, file?: string) =>
  new UserError(message, { fix: `${fix} ${FIX}`, ...(file ? { location: { file } } : {}) });

function loadFiles(env: NodeJS.ProcessEnv): Loaded[] {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  const loaded: Loaded[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      // helm skips unreadable files of a KUBECONFIG list too
      skipped.push(
        `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message}`,
      );
      continue;
    }
    try {
      loaded.push({ doc: (parse(text) ?? {}) as KubeDoc, file });
    } catch (error) {
      skipped.push(`${file}: not YAML (${(error as Error).message.split('\n')[0]})`);
    }
  }
  if (!loaded.length)
    throw refuse(
      `No readable kubeconfig to find the release's Service with (${env.KUBECONFIG ? 'KUBECONFIG lists' : 'KUBECONFIG is unset, so the default is'} ${skipped.join('; ')})`,
      'Point KUBECONFIG at the file your cluster login step wrote (e.g. azure/k8s-set-context or `aws eks update-kubeconfig`).',
    );
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

/** The names every loaded file defines under `key`, in order, for "one of ..." in messages. */
function names(loaded: Loaded[], key: 'contexts' | 'clusters' | 'users'): string {
  const all = loaded.flatMap((l) => (Array.isArray(l.doc[key]) ? l.doc[key] : []).map((x) => x?.name));
  return [...new Set(all.filter((n): n is string => typeof n === 'string'))].join(', ') || '(none)';
}

const relative = (file: string, path: string) => (isAbsolute(path) ? path : join(dirname(file), path));

/** Reads a file a kubeconfig field points at (relative to the kubeconfig's folder, as kubectl does). */
function readReferenced(file: string, field: string, where: string, path: string): Buffer {
  const resolved = relative(file, path);
  try {
    return readFileSync(resolved);
  } catch (error) {
    throw refuse(
      `The kubeconfig ${file}: \`${field}\` (${where}.${field}) points at ${resolved}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      `Correct \`${field}\` in ${file} (a relative path is relative to ${dirname(file)}), or embed the content in the \`-data\` form of the field.`,
      file,
    );
  }
}

/** The context to use and its cluster entry, or the error that says which name in which file is wrong. */
function resolveContext(loaded: Loaded[], kubeContext: string | undefined) {
  const searched = loaded.map((l) => l.file).join(', ');
  const contexts = names(loaded, 'contexts');
  const setter = loaded.find((l) => l.doc['current-context']);
  const contextName = kubeContext ?? setter?.doc['current-context'];
  if (!contextName)
    throw refuse(
      `The kubeconfig sets no \`current-context\` and \`kube-context\` is empty (searched ${searched}; contexts defined: ${contexts})`,
      `Set \`kube-context\` to one of ${contexts}, or set \`current-context\` in the kubeconfig.`,
    );
  const entry = find(loaded, 'contexts', contextName);
  if (!entry) {
    const by = kubeContext ? 'the `kube-context` input' : `\`current-context\` in ${setter!.file}`;
    throw refuse(
      `The kubeconfig has no context ${JSON.stringify(contextName)} (named by ${by}; searched ${searched}; contexts defined: ${contexts})`,
      kubeContext
        ? `Set \`kube-context\` to one of ${contexts}.`
        : `Set \`current-context\` in ${setter!.file} to one of ${contexts}, or set \`kube-context\`.`,
      kubeContext ? undefined : setter!.file,
    );
  }
  const context = entry.hit.context;
  if (!context?.cluster)
    throw refuse(
      `The kubeconfig's context ${JSON.stringify(contextName)} in ${entry.file} has no \`cluster\` (contexts[name=${contextName}].context.cluster)`,
      `Add \`cluster:\` (one of ${names(loaded, 'clusters')}) to the context ${JSON.stringify(contextName)} in ${entry.file}.`,
      entry.file,
    );
  const clusterEntry = find(loaded, 'clusters', context.cluster);
  if (!clusterEntry)
    throw refuse(
      `The kubeconfig's cluster ${JSON.stringify(context.cluster)} has no server: the context ${JSON.stringify(contextName)} in ${entry.file} names it, but no kubeconfig file defines it (searched ${searched}; clusters defined: ${names(loaded, 'clusters')})`,
      `Set \`cluster\` of the context ${JSON.stringify(contextName)} in ${entry.file} to one of ${names(loaded, 'clusters')}, or add the cluster to KUBECONFIG's files.`,
      entry.file,
    );
  const cluster = clusterEntry.hit.cluster;
  if (!cluster?.server)
    throw refuse(
      `The kubeconfig's cluster ${JSON.stringify(context.cluster)} has no server: its entry in ${clusterEntry.file} lacks \`server\` (clusters[name=${context.cluster}].cluster.server)`,
      `Add \`server: https://…\` to the cluster ${JSON.stringify(context.cluster)} in ${clusterEntry.file}.`,
      clusterEntry.file,
    );
  return {
    context: { cluster: context.cluster, user: context.user },
    cluster: { ...cluster, server: cluster.server },
    file: clusterEntry.file,
  };
}

export async function kubeAccess(options: { kubeContext?: string; env?: NodeJS.ProcessEnv } = {}): Promise<KubeAccess> {
  const env = options.env ?? process.env;
  const loaded = loadFiles(env);
  const { context, cluster, file } = resolveContext(loaded, options.kubeContext);
  const userEntry = context.user ? find(loaded, 'users', context.user) : undefined;
  const user = userEntry?.hit.user ?? {};
  const userFile = userEntry?.file ?? file;
  const userField = `users[name=${context.user ?? ''}].user`;
  if (user['auth-provider'])
    throw refuse(
      `The kubeconfig user ${JSON.stringify(context.user)} in ${userFile} uses the removed auth-provider ${JSON.stringify(user['auth-provider'].name ?? '')} (${userField}.auth-provider), which kubectl 1.26 and later refuse too`,
      `Replace \`auth-provider\` of the user ${JSON.stringify(context.user)} in ${userFile} with an \`exec\` plugin (gke-gcloud-auth-plugin for gcp, kubelogin for azure and oidc), as the cloud's login action writes it.`,
      userFile,
    );
  const clusterField = `clusters[name=${context.cluster}].cluster`;
  const tls: RequestOptions = {};
  if (cluster['certificate-authority-data']) tls.ca = Buffer.from(cluster['certificate-authority-data'], 'base64');
  else if (cluster['certificate-authority'])
    tls.ca = readReferenced(file, 'certificate-authority', clusterField, cluster['certificate-authority']);
  if (cluster['insecure-skip-tls-verify']) tls.rejectUnauthorized = false;
  if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name'];
  if (user['client-certificate-data']) tls.cert = Buffer.from(user['client-certificate-data'], 'base64');
  else if (user['client-certificate'])
    tls.cert = readReferenced(userFile, 'client-certificate', userField, user['client-certificate']);
  if (user['client-key-data']) tls.key = Buffer.from(user['client-key-data'], 'base64');
  else if (user['client-key']) tls.key = readReferenced(userFile, 'client-key', userField, user['client-key']);
  let authorization: string | undefined;
  if (user.token) authorization = `Bearer ${user.token}`;
  else if (user.tokenFile)
    authorization = `Bearer ${readReferenced(userFile, 'tokenFile', userField, user.tokenFile).toString('utf8').trim()}`;
  else if (user.username && user.password)
    authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  else if (user.exec) {
    const where = `the kubeconfig user ${JSON.stringify(context.user)} (${userField}.exec in ${userFile})`;
    const credential = await execCredential(user.exec, env, where, userFile);
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
  where: string,
  file: string,
): Promise<{ token?: string; cert?: Buffer; key?: Buffer }> {
  const childEnv: NodeJS.ProcessEnv = { ...env };
  for (const e of exec.env ?? []) childEnv[e.name] = e.value;
  childEnv.KUBERNETES_EXEC_INFO = JSON.stringify({
    apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
  const plugin = `The exec plugin ${exec.command} of ${where}`;
  const fix = `Install ${exec.command} on the runner (or correct \`command\` in ${file}) and run the login step that gives it credentials before this one.`;
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(exec.command, exec.args ?? [], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    // stderr is read (a full pipe would stall the plugin) and its last line tells why it failed
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    child.on('error', (e) => reject(refuse(`${plugin} could not run: ${e.message}`, fix, file)));
    child.on('close', (code) => {
      const why = stderr.trim().split('\n').at(-1)?.slice(0, 300);
      return code === 0
        ? resolve(stdout)
        : reject(refuse(`${plugin} exited with ${code}${why ? `: ${why}` : ''}`, fix, file));
    });
  });
  const body = parseBody(out) as { status?: Record<string, string> } | string | null;
  const status = (body && typeof body === 'object' && body.status) || {};
  if (!status.token && !status.clientCertificateData)
    throw refuse(`${plugin} printed no ExecCredential with a token or a client certificate`, fix, file);
  return {
    ...(status.token ? { token: status.token } : {}),
    ...(status.clientCertificateData ? { cert: Buffer.from(status.clientCertificateData) } : {}),
    ...(status.clientKeyData ? { key: Buffer.from(status.clientKeyData) } : {}),
  };
}
