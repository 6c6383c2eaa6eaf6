#!/usr/bin/env node
// The `mlops-dvc` command: runs packages/dvc/src/cli.ts through tsx (packages ship TypeScript).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
