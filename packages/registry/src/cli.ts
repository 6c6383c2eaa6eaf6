import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  consoleLogger,
  describeError,
  formatBytes,
  isUserError,
  runContextFromEnv,
  UserError,
  type Logger,
} from '@mlops-gha/common';
import { describeSignature } from './signature.js';
import { parseModelRef, parseTags } from './names.js';
import { Registry } from './registry.js';
import { pushRequestFromRun } from './push-request.js';
import { collectModelFiles } from './sources.js';
import { withStepHook } from './step-hook.js';

export const CLI_USAGE = `Usage: mlops-registry [--registry URL] [--endpoint-url URL] [--region R] COMMAND ...

  list [NAME]                          models, or the versions of NAME with their aliases
  show NAME@ALIAS|NAME/VERSION [--json] a version's manifest (signature, files, lineage)
  pull NAME@ALIAS|NAME/VERSION DEST    download a version's files into DEST, verified by sha256
  verify NAME@ALIAS|NAME/VERSION       hash every file of a version against its manifest
  alias set NAME ALIAS VERSION [--expect N|none] [--reason TEXT]
                                       move an alias (compare-and-swap, audited)
  events NAME [--json]                 the audit trail
  push NAME FILE... [--alias A] [--tag k=v]... [--description T] [--metrics-file F] [--run-record F]

The registry is --registry or $MLOPS_REGISTRY: s3://bucket/prefix or a folder. S3 credentials
come from the standard AWS chain (environment, profile, SSO, instance role).`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const defaultIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Runs the registry CLI on `argv` (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const env = io.env ?? process.env;
  const out = (line = '') => io.stdout(`${line}\n`);
  // Every path argument is relative to the CLI's working directory (io.cwd), like the model files and the registry folder.
  const local = (path: string | undefined) => (path === undefined ? undefined : resolve(io.cwd ?? process.cwd(), path));
  let registry: Registry | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        registry: { type: 'string', short: 'r' },
        'endpoint-url': { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean' },
        expect: { type: 'string' },
        reason: { type: 'string' },
        alias: { type: 'string' },
        tag: { type: 'string', multiple: true },
        description: { type: 'string' },
        'metrics-file': { type: 'string' },
        'run-record': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, ...args] = positionals;
    if (values.help || !command) {
      out(CLI_USAGE);
      return command || values.help ? 0 : 2;
    }
    const url = values.registry ?? env.MLOPS_REGISTRY ?? '';
    if (!url)
      throw new UserError('No registry given', {
        fix: 'Pass --registry s3://bucket/prefix (or a folder), or set MLOPS_REGISTRY.',
      });
    const logger: Logger = {
      ...consoleLogger(),
      info: (m) => io.stderr(`${m}\n`),
      warning: (m) => io.stderr(`warning: ${m}\n`),
    };
    const here = { ...runContextFromEnv(env), actor: env.GITHUB_ACTOR ?? env.USER ?? null };
    const open = (who: { actor: string | null; runUrl: string | null }) => {
      const options = {
        source: values.registry !== undefined ? 'the --registry option' : 'MLOPS_REGISTRY',
        endpoint: values['endpoint-url'] ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
        region: values.region,
        cwd: io.cwd,
        logger,
        ...who,
      };
      const killAt = env.MLOPS_REGISTRY_FAULT_KILL_AT;
      // Fault injection for the crash tests: a real kill -9 of this process at a named step.
      return Registry.open(
        url,
        killAt
          ? withStepHook(options, (step) => void (step === killAt && process.kill(process.pid, 'SIGKILL')))
          : options,
      );
    };
    registry = open(here);
    const need = (n: number, usage: string) => {
      if (args.length !== n)
        throw new UserError(`Usage: mlops-registry ${usage}`, { fix: 'See mlops-registry --help.' });
    };

    switch (command) {
      case 'list': {
        if (args.length === 0) {
          const models = await registry.listModels();
          if (models.length === 0) out(`(no models in ${registry.location})`);
          for (const m of models) out(m);
          return 0;
        }
        need(1, 'list [NAME]');
        const versions = await registry.listVersions(args[0]!);
        if (values.json) {
          out(JSON.stringify(versions, null, 2));
          return 0;
        }
        if (versions.length === 0) out(`(no versions of ${args[0]} in ${registry.location})`);
        for (const v of versions) {
          out(
            `${args[0]}/${v.version}\t${v.created_at}\t${formatBytes(v.size)}\tsha256:${v.sha256.slice(0, 12)}${v.aliases.length ? `\t@${v.aliases.join(' @')}` : ''}`,
          );
        }
        return 0;
      }
      case 'show': {
        need(1, 'show NAME@ALIAS|NAME/VERSION');
        const r = await registry.resolve(args[0]!);
        if (values.json) {
          out(JSON.stringify(r.manifest, null, 2));
          return 0;
        }
        const m = r.manifest;
        out(`${m.name}/${m.version}${r.alias ? ` (@${r.alias})` : ''}`);
        out(`  uri:         ${m.uri}`);
        out(`  sha256:      ${m.sha256}`);
        out(`  created:     ${m.created_at}${m.created_by ? ` by ${m.created_by}` : ''}`);
        if (m.description) out(`  description: ${m.description}`);
        if (m.signature) out(`  signature:   ${describeSignature(m.signature)}`);
        for (const f of m.files) out(`  file:        ${f.path}  ${formatBytes(f.size)}  sha256:${f.sha256}`);
        for (const [k, v] of Object.entries(m.metrics)) out(`  metric:      ${k} = ${v}`);
        for (const [k, v] of Object.entries(m.tags)) out(`  tag:         ${k} = ${v}`);
        for (const [k, v] of Object.entries(m.lineage)) if (v) out(`  lineage:     ${k} = ${v}`);
        return 0;
      }
      case 'pull': {
        need(2, 'pull NAME@ALIAS|NAME/VERSION DEST');
        const r = await registry.resolve(args[0]!);
        const got = await registry.download(r.name, r.version, local(args[1])!);
        out(
          `Pulled ${r.name}/${r.version} (${got.files.length} file(s), ${formatBytes(got.bytes)}, sha256 verified) into ${args[1]}`,
        );
        return 0;
      }
      case 'verify': {
        need(1, 'verify NAME@ALIAS|NAME/VERSION');
        const r = await registry.resolve(args[0]!);
        const report = await registry.verify(r.name, r.version);
        for (const f of report.files) out(`${f.ok ? 'ok  ' : 'BAD '} ${f.path}${f.problem ? `: ${f.problem}` : ''}`);
        if (!report.ok) {
          io.stderr(
            `${r.name}/${r.version} failed verification:\n${report.problems.map((p) => `  ${p}`).join('\n')}\n`,
          );
          return 1;
        }
        out(`${r.name}/${r.version}: all ${report.files.length} file(s) match the manifest`);
        return 0;
      }
      case 'alias': {
        if (args[0] !== 'set')
          throw new UserError(`Unknown alias command ${JSON.stringify(args[0] ?? '')}`, {
            fix: 'Use: alias set NAME ALIAS VERSION',
          });
        need(4, 'alias set NAME ALIAS VERSION');
        const [, name, alias, versionText] = args as [string, string, string, string];
        const version = parseModelRef(`${name}/${versionText}`);
        if (version.kind !== 'version')
          throw new UserError(`${versionText} is not a version number`, { fix: 'Give a number, e.g. 3.' });
        let expected: number | null | undefined;
        if (values.expect !== undefined) {
          if (values.expect === 'none') expected = null;
          else if (/^\d+$/.test(values.expect)) expected = Number(values.expect);
          else
            throw new UserError(`--expect must be a version number or none, got ${values.expect}`, {
              fix: 'e.g. --expect 2',
            });
        }
        const move = await registry.moveAlias(name, alias, version.version, { expected, reason: values.reason });
        out(
          move.moved
            ? `${name}@${alias}: ${move.from === null ? 'created at' : `${move.from} ->`} ${move.to} (event ${move.event})`
            : `${name}@${alias} already points at ${move.to}`,
        );
        return 0;
      }
      case 'events': {
        need(1, 'events NAME');
        const events = await registry.listEvents(args[0]!);
        if (values.json) {
          out(JSON.stringify(events, null, 2));
          return 0;
        }
        for (const e of events) {
          const what =
            e.type === 'alias-moved'
              ? `@${e.alias} ${e.from ?? '-'} -> ${e.to}${e.applied === false ? ' (not applied)' : ''}`
              : e.type === 'version-created'
                ? `version ${e.version}`
                : JSON.stringify(
                    Object.fromEntries(
                      Object.entries(e).filter(
                        ([k]) => !['schema', 'type', 'name', 'at', 'actor', 'run_url', 'id'].includes(k),
                      ),
                    ),
                  );
          out(`${e.at}\t${e.type}\t${what}\t${e.actor ?? ''}${e.reason ? `\t${e.reason}` : ''}`);
        }
        return 0;
      }
      case 'push': {
        if (args.length < 2)
          throw new UserError('Usage: mlops-registry push NAME FILE...', { fix: 'See mlops-registry --help.' });
        const [name, ...paths] = args as [string, ...string[]];
        const planned = await pushRequestFromRun(
          {
            name,
            files: await collectModelFiles(paths, io.cwd),
            metricsFile: local(values['metrics-file']),
            runRecord: local(values['run-record']),
            tags: parseTags(values.tag ?? []),
            description: values.description ?? null,
            alias: values.alias,
          },
          here,
        );
        // the version records who trained it (the run record's actor): reopen as that actor (opening does no I/O)
        registry.close();
        registry = open(planned);
        const result = await registry.push(planned.request);
        out(
          `${result.name}/${result.version}${result.created ? '' : ' (existing, identical content)'}\t${result.uri}\tsha256:${result.sha256}`,
        );
        return 0;
      }
      default:
        throw new UserError(`Unknown command ${JSON.stringify(command)}`, {
          fix: 'Commands: list, show, pull, verify, alias set, events, push.',
        });
    }
  } catch (error) {
    if (isUserError(error) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`error: ${describeError(error)}\n`);
      return 1;
    }
    io.stderr(`error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    registry?.close();
  }
}
