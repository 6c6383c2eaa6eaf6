/**
 * The model server's command line: flags win over the environment a container gets
 * (MODEL_URI, MODEL_SHA256, MODEL_NAME, MODEL_FILE, PORT, HOST). It exits 0 after SIGTERM or
 * SIGINT (requests in flight finish), and 1 with one clear line when the model cannot be
 * served (a sha256 mismatch, a missing file): the server is never ready in that case.
 */
import { parseArgs } from 'node:util';
import { consoleLogger, describeError, UserError, type Logger } from '@mlops-gha/common';
import { serveModel, type ServeSettings } from './serve.js';

export const CLI_USAGE = `Usage: model-server --model-uri URI [--sha256 HEX] [--name NAME] [--port 8080] [--host 0.0.0.0]

Serves one ONNX model over the Open Inference Protocol (KServe V2 REST) with onnxruntime.

  --model-uri URI   s3://bucket/prefix, file:///path, a folder or an .onnx file; a registry
                    version's files prefix (registry-push's \`uri\`) is checked against its
                    manifest.json                                        [$MODEL_URI]
  --sha256 HEX      the expected sha256 of the model file or of the registry version
                                                                         [$MODEL_SHA256]
  --name NAME       the model's name in /v2/models/NAME (default: the manifest's name, else
                    the file name without .onnx)                         [$MODEL_NAME]
  --model-file PATH which .onnx file to serve when the prefix holds several [$MODEL_FILE]
  --port N          [8080]                                               [$PORT]
  --host ADDR       [0.0.0.0]                                            [$HOST]
  --threads N       onnxruntime intra-op threads [one per core]         [$MODEL_THREADS]

S3: credentials from the standard AWS chain; endpoint from AWS_ENDPOINT_URL_S3 or
AWS_ENDPOINT_URL; region from AWS_REGION.`;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function integerSetting(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
    throw new UserError(`${what} ${JSON.stringify(value)} is not an integer from ${min} to ${max}`, {
      fix: `Give ${what} as a whole number from ${min} to ${max}.`,
    });
  }
  return n;
}

/** Flags and environment -> settings; a bad value is a UserError naming the flag. */
export function readSettings(argv: string[], env: NodeJS.ProcessEnv): ServeSettings | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      'model-uri': { type: 'string' },
      sha256: { type: 'string' },
      name: { type: 'string' },
      'model-file': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      threads: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const uri = values['model-uri'] ?? env.MODEL_URI ?? '';
  if (!uri.trim())
    throw new UserError('No model URI given', {
      fix: 'Pass --model-uri (or set MODEL_URI) to s3://bucket/prefix, file:///path or a folder.',
    });
  const name = values.name ?? (env.MODEL_NAME || undefined);
  if (name !== undefined && !NAME.test(name)) {
    throw new UserError(`The model name ${JSON.stringify(name)} is not usable in /v2/models/{name}`, {
      fix: 'Use letters, digits, dot, dash and underscore (starting with a letter or digit), at most 128 characters.',
    });
  }
  const sha256 = values.sha256 ?? (env.MODEL_SHA256 || undefined);
  const modelFile = values['model-file'] ?? (env.MODEL_FILE || undefined);
  const threads = values.threads ?? (env.MODEL_THREADS || undefined);
  return {
    uri,
    ...(sha256 ? { sha256 } : {}),
    ...(name ? { name } : {}),
    ...(modelFile ? { modelFile } : {}),
    ...(threads ? { intraOpThreads: integerSetting(threads, '--threads', 1, 1024) } : {}),
    port: integerSetting(values.port ?? (env.PORT || '8080'), '--port', 0, 65535),
    host: values.host ?? (env.HOST || '0.0.0.0'),
  };
}

/** Runs the server until SIGTERM/SIGINT; returns the process exit code. */
export async function runModelServerCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  logger: Logger = consoleLogger(),
): Promise<number> {
  let settings: ServeSettings | 'help';
  try {
    settings = readSettings(argv, env);
  } catch (error) {
    process.stderr.write(`model-server: ${describeError(error)}\n`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(`${CLI_USAGE}\n`);
    return 0;
  }
  let running;
  try {
    running = await serveModel(settings, logger);
  } catch (error) {
    process.stderr.write(`model-server: cannot listen on ${settings.host}:${settings.port}: ${describeError(error)}\n`);
    return 1;
  }
  const server = running;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const stopped = new Promise<number>((resolve) => {
    onSignal = (signal) => {
      logger.info(`model-server: ${signal}: closing`);
      server.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  const failed = server.loaded.then(
    () => new Promise<number>(() => {}),
    async (error: unknown) => {
      process.stderr.write(
        `model-server: error: the model cannot be served, so this server never becomes ready: ${describeError(error)}\n`,
      );
      await server.close();
      return 1;
    },
  );
  const code = await Promise.race([stopped, failed]);
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  return code;
}
