#!/usr/bin/env bun
// The cordon CLI. `cordon probe` reports what this host can enforce.
import { parseArgs } from "node:util";
import { main } from "../lib/cli/main.ts";

process.exitCode = await main(process.argv.slice(2), parseArgs);
