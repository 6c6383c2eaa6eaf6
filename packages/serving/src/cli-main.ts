#!/usr/bin/env node
// The model server from a checkout (npx tsx packages/serving/src/cli-main.ts --model-uri ...),
// and the entry of the bundle dist/model-server/index.js. (No top-level await: ncc's parser
// refuses it in this entry.)
import { runModelServerCli } from './cli.js';

void runModelServerCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
