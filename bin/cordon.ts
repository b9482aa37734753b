#!/usr/bin/env bun
// The cordon CLI: `cordon run [options] -- COMMAND` and `cordon probe` (docs/cli.md).
import { parseArgs } from "node:util";
import { main } from "../lib/cli/main.ts";

process.exitCode = await main(process.argv.slice(2), parseArgs);
