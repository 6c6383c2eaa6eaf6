/**
 * Starts a model server: listen first (so liveness answers while a large model downloads),
 * then fetch and verify the model, load it, and only then report ready.
 */
import { basename } from 'node:path';
import { describeError, type Logger } from '@mlops-gha/common';
import { ServedModel, type SessionSettings } from './model.js';
import { ModelServer } from './server.js';
import { fetchModel, type ModelSource } from './source.js';

export interface ServeSettings extends ModelSource, SessionSettings {
  /** The name clients use in `/v2/models/{name}` (default: the manifest's name, else the file's). */
  name?: string;
  port: number;
  host: string;
  maxBodyBytes?: number;
}

export interface RunningModelServer {
  /** `http://host:port` of the bound socket. */
  url: string;
  port: number;
  server: ModelServer;
  /** Resolves with the model once it is loaded and verified; rejects when it cannot be served. */
  loaded: Promise<ServedModel>;
  close(): Promise<void>;
}

export async function serveModel(settings: ServeSettings, logger: Logger): Promise<RunningModelServer> {
  const server = new ModelServer({
    ...(settings.name ? { name: settings.name } : {}),
    logger,
    ...(settings.maxBodyBytes ? { maxBodyBytes: settings.maxBodyBytes } : {}),
  });
  const address = await server.listen(settings.port, settings.host);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  logger.info(`model-server: listening on ${url} (loading ${settings.uri})`);
  const loaded = (async () => {
    const started = Date.now();
    const fetched = await fetchModel(settings, logger);
    const fileName = basename(fetched.location).replace(/\.onnx$/i, '');
    const identity = {
      name: settings.name ?? fetched.manifest?.name ?? fileName,
      ...(fetched.manifest ? { version: String(fetched.manifest.version) } : {}),
    };
    const model = await ServedModel.load(fetched.bytes, identity, fetched.location, logger, settings);
    server.setModel(model);
    const describe = (t: { name: string; datatype: string; shape: number[] }) =>
      `${t.name} ${t.datatype}[${t.shape.join(',')}]`;
    logger.info(
      `model-server: ready: model ${identity.name}${identity.version ? ` version ${identity.version}` : ''} from ${fetched.location} ` +
        `(sha256 ${fetched.sha256} verified${fetched.manifest ? ' against its manifest' : ''}) in ${Date.now() - started} ms; ` +
        `inputs ${model.inputs.map(describe).join(', ')}; outputs ${model.outputs.map(describe).join(', ')}`,
    );
    return model;
  })();
  loaded.catch((error: unknown) => server.setFailed(describeError(error)));
  return { url, port: address.port, server, loaded, close: () => server.close() };
}
