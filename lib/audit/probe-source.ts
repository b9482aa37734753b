// The Python programs of `cordon audit` on Linux, read from probes/*.py next
// to this file (they ship with the package: lib/ is in "files"). Each is
// passed as program text to python3 -I -c, its values as a JSON argv, so the
// sandbox under audit never needs to read the files: a private root, an
// empty read set or another uid changes nothing.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dir, "probes");

/** The inside probe's files, joined in this order into one program: inside.py holds the helpers the others use. */
export const insideParts = [
  "inside.py",
  "inside-files.py",
  "inside-ipc.py",
  "inside-sockets.py",
  "inside-keys.py",
  "inside-processes.py",
  "inside-kernel.py",
  "inside-listings.py",
  "host-state.py",
  "inside-end.py",
] as const;

/** Every program file of the audit: the inside parts and the supervisor's own commands. */
export const probeFiles = [...insideParts, "canary-keeper.py", "report-swap.py", "has-fcaps.py"] as const;

function probeFile(name: (typeof probeFiles)[number]): string {
  try {
    return readFileSync(join(dir, name), "utf8");
  } catch (e) {
    throw new Error(`cordon audit: its probe program ${join(dir, name)} is not readable (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** The whole inside probe; argv[1] is its JSON config. */
export function insideProgram(): string {
  return insideParts.map(probeFile).join("\n");
}

/** The outside half, run as the caller: plants the canaries and counts receipts; argv[1] is its JSON config. */
export function canaryKeeperProgram(): string {
  return probeFile("canary-keeper.py");
}

/** The command that swaps the report path for a symlink or a FIFO; argv[1] is its JSON config. */
export function reportSwapProgram(): string {
  return probeFile("report-swap.py");
}

/** Exits 0 when the file argv[1] carries security.capability. */
export function hasFcapsProgram(): string {
  return probeFile("has-fcaps.py");
}
