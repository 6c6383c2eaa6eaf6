/** The stores behind a pull's remotes: which remote an output uses, its resolved config, one open store each. */
import { UserError } from '@mlops-gha/common';
import { LocalStore, openStore, type ObjectStore } from '@mlops-gha/storage';
import type { DvcConfig, RemoteConfig } from './config.js';
import type { TrackedOutput } from './files.js';

/** The pull options a remote's resolution reads. */
export interface RemoteOptions {
  remote?: string;
  remoteUrl?: string;
  endpointUrl?: string;
  region?: string;
  jobs: number;
}

export class RemoteStores {
  private readonly stores = new Map<string, ObjectStore>();
  constructor(
    private readonly config: DvcConfig,
    private readonly options: RemoteOptions,
    private readonly root: string,
  ) {}

  /** The remote name an output uses: `-r`, else its own `remote:`, else core.remote. */
  nameFor(output: TrackedOutput, override?: string): string {
    const name = (override ?? output.remote ?? this.config.coreRemote?.name ?? '').toLowerCase();
    if (!name) {
      if (this.options.remoteUrl) return '';
      throw new UserError('No remote provided and no default remote set', {
        location: this.config.files.length ? undefined : undefined,
        fix: 'Set `remote-url:` on the step, or run `dvc remote add -d <name> <url>` and commit .dvc/config.',
        title: 'No DVC remote',
      });
    }
    if (!this.config.remotes.has(name) && !(this.options.remoteUrl && (override || !output.remote))) {
      const from = override ? 'the `remote` input' : output.remote ? `${output.declaredIn.file}` : 'core.remote';
      const location = override ? undefined : output.remote ? output.declaredIn : this.config.coreRemote?.location;
      throw new UserError(`Unknown remote "${name}" (named by ${from})`, {
        location,
        fix: `Define it in .dvc/config (\`dvc remote add ${name} <url>\`), or name one of: ${[...this.config.remotes.keys()].join(', ') || '(none defined)'}.`,
        title: 'Unknown DVC remote',
      });
    }
    return name;
  }

  resolve(name: string): RemoteConfig {
    const base = this.config.remotes.get(name) ?? { name, url: '' };
    const remote: RemoteConfig = { ...base };
    const isDefault = !this.options.remote || this.options.remote.toLowerCase() === name;
    if (this.options.remoteUrl && (isDefault || !base.url)) remote.url = this.options.remoteUrl;
    if (this.options.endpointUrl) remote.endpointurl = this.options.endpointUrl;
    if (this.options.region) remote.region = this.options.region;
    if (!remote.url) {
      throw new UserError(`Remote "${name}" has no url`, {
        location: base.location,
        fix: `Set url in [remote "${name}"] or give remote-url.`,
      });
    }
    return remote;
  }

  /**
   * Whether any of these objects comes from a local-folder remote. A remote that cannot be
   * opened counts as not local: the fetch reports it, if one is needed at all.
   */
  async anyLocal(objects: Iterable<{ remote: string }>): Promise<boolean> {
    const names = new Set<string>();
    for (const o of objects) names.add(o.remote);
    for (const name of names) {
      const store = await this.forRemote(name).catch(() => undefined);
      if (store instanceof LocalStore) return true;
    }
    return false;
  }

  async forRemote(name: string): Promise<ObjectStore> {
    let store = this.stores.get(name);
    if (!store) {
      const remote = this.resolve(name);
      if (/^[a-zA-Z]:[\\/]/.test(remote.url) && process.platform !== 'win32') {
        throw new UserError(`Remote "${name}" points at a Windows folder (${remote.url}) that does not exist here`, {
          location: remote.location,
          fix: 'Give `remote-url:` with the folder or bucket that holds the data on this machine.',
        });
      }
      const credentials =
        remote.access_key_id && remote.secret_access_key
          ? {
              accessKeyId: remote.access_key_id,
              secretAccessKey: remote.secret_access_key,
              sessionToken: remote.session_token,
            }
          : undefined;
      store = openStore(remote.url, {
        source:
          this.options.remoteUrl && remote.url === this.options.remoteUrl
            ? 'the remote-url input'
            : `url of [remote "${name}"]${remote.location ? ` in ${remote.location.file}` : ''}`,
        cwd: this.root,
        endpoint: remote.endpointurl,
        region: remote.region,
        credentials,
        profile: remote.profile,
        // DVC's credentialpath/configpath go to this store's credential chain (never process.env)
        credentialsFile: remote.credentialpath,
        configFile: remote.configpath,
        maxSockets: this.options.jobs,
      });
      this.stores.set(name, store);
    }
    return store;
  }

  close(): void {
    for (const s of this.stores.values()) s.close();
  }
}
