#!/usr/bin/env node
// The model server from a checkout (npx tsx packages/serving/src/cli-main.ts --model-uri ...),
// and the entry of the bundle dist/model-server/index.js. (No top-level await: ncc's parser
// refuses it in this entry.)
import { runModelServerCli } from './cli.js';

void runModelServerCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Normally nothing is left and Node exits now. A download or model load still running when
  // SIGTERM came would hold the process: leave after a grace period instead (unref'd, so it
  // never delays an exit that can happen at once, and stdout is flushed by then).
  setTimeout(() => process.exit(code), 2_000).unref();
});
