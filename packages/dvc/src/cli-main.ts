// The `mlops-dvc` command as one bundle entry (the scale benchmark bundles it with ncc, as the
// actions are bundled, so that no TypeScript is compiled while a pull is measured). No
// top-level await: ncc's parser refuses it in an entry.
import { main } from './cli.js';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
