#!/usr/bin/env node
// The registry CLI from a checkout: npx tsx packages/registry/src/cli-main.ts COMMAND ...
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
