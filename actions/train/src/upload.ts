import { dirname, relative, resolve, sep } from 'node:path';
import { UserError } from '@mlops-gha/common';

export interface UploadedArtifact {
  id: number;
  size: number;
  digest?: string;
}

/** The deepest folder that holds every file: the artifact's root, so paths inside the zip stay short. */
export function commonRoot(files: string[]): string {
  let root = dirname(resolve(files[0]!));
  for (const file of files.slice(1)) {
    while (relative(root, resolve(file)).startsWith(`..${sep}`) || relative(root, resolve(file)) === '..')
      root = dirname(root);
  }
  return root;
}

/**
 * Uploads run.json and the outputs as one artifact with the real @actions/artifact client
 * (the artifact service of the run, through ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN).
 * The client is loaded only when an upload is asked for: it is most of the bundle's size.
 */
export async function uploadRun(name: string, files: string[], root: string): Promise<UploadedArtifact> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    throw new UserError(
      `artifact-name is set to ${JSON.stringify(name)} but the artifact service is not reachable: ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is not set`,
      {
        fix: 'Run the action as a step of a GitHub Actions job (the runner sets both), or leave `artifact-name` empty.',
      },
    );
  }
  const { DefaultArtifactClient } = await import('@actions/artifact');
  try {
    const response = await new DefaultArtifactClient().uploadArtifact(name, files, root);
    return { id: Number(response.id), size: Number(response.size ?? 0), digest: response.digest };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/already exists/i.test(message)) {
      throw new UserError(`Could not upload artifact ${JSON.stringify(name)}: ${message}`, {
        fix: 'Give each train step its own `artifact-name:` (in a matrix, include the matrix values, e.g. `model-${{ matrix.seed }}`).',
        cause: error,
      });
    }
    throw new UserError(`Could not upload artifact ${JSON.stringify(name)}: ${message}`, {
      fix: 'Check the artifact name (no " : < > | * ? \\ / or line breaks) and the job\'s artifact storage quota; the run record is in the workspace.',
      cause: error,
    });
  }
}
