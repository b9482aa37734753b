// The Python programs of `cordon audit` on Linux. The inside probe is the
// string of probe-inside.ts followed by probes/host-state.py (which uses its
// helpers), then the end marker; probes/report-swap.py is the command of the
// report-file rows. The .py files ship with the package (lib/ is in "files").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probeInsideSource } from "./probe-inside.ts";

function probeFile(name: string): string {
  return readFileSync(join(import.meta.dir, "probes", name), "utf8");
}

/** The whole inside probe, for python3 -I -c. */
export function insideProgram(): string {
  return [probeInsideSource, probeFile("host-state.py"), 'print(json.dumps({"done": True}), flush=True)\n'].join("\n");
}

/** The command that swaps the report path for a symlink or a FIFO. */
export function reportSwapProgram(): string {
  return probeFile("report-swap.py");
}
