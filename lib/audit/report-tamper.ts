// The report-file rows: whether a command can make `cordon run --report`
// write where it should not. The report is the CLI's, not the sandbox's, so
// the audited policy does not enter: the supervisor runs `cordon run` itself
// with a scratch write grant holding the report, and the command
// (probes/report-swap.py) swaps the report path for a symlink to a canary
// file outside every grant, or for a FIFO. Then, from outside: did the canary
// change, did bytes arrive in the FIFO (read from here, so cordon cannot hang
// for lack of a reader), what is at the report path, what did cordon say.
import { closeSync, constants, existsSync, lstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CanaryConfig } from "./canaries.ts";
import { scratchOf } from "./canaries.ts";
import { reportSwapProgram } from "./probe-source.ts";
import type { InsideResult } from "./verdict.ts";

export type Mode = "symlink" | "fifo";

const CANARY = "report target canary\n";
/** cordon ends the command after this; the audit kills cordon (its own child) a little later. */
const TIMEOUT_S = 10;

function whatIs(path: string): string {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return "a symlink";
    if (st.isFIFO()) return "a FIFO";
    if (st.isFile()) return readFileSync(path, "utf8").includes('"guarantees"') ? "a regular file holding the report" : "a regular file";
    return "something else";
  } catch {
    return "nothing";
  }
}

/** Drain a FIFO at `path` while it exists, without ever blocking: what cordon wrote into it. */
class FifoDrain {
  private fd: number | undefined;
  bytes = 0;

  poll(path: string): void {
    if (this.fd === undefined) {
      try {
        if (!lstatSync(path).isFIFO()) return;
        this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
      } catch {
        return;
      }
    }
    const buf = Buffer.alloc(65536);
    for (;;) {
      let n = 0;
      try {
        n = readSync(this.fd, buf);
      } catch {
        return; // EAGAIN: a writer is there, nothing to read yet
      }
      if (n <= 0) return;
      this.bytes += n;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

/** One `cordon run --report` with the report path swapped by the command; the row as an inside-style result. */
export async function reportTamper(mode: Mode, cli: string, python: string, cfg: CanaryConfig): Promise<InsideResult> {
  const id = `report.${mode}`;
  const call = `cordon run --allow-write=W --report=W/report.json -- <replace report.json with ${mode === "symlink" ? "a symlink to a file outside every grant" : "a FIFO"}>`;
  if (!existsSync(cli)) return { id, ok: null, call, errno: null, detail: `no cordon CLI at ${cli}` };
  const dir = join(scratchOf(cfg), `report-${mode}`);
  mkdirSync(dir);
  const report = join(dir, "report.json");
  const target = join(cfg.outsideDir, `report-target-${mode}`);
  writeFileSync(target, CANARY);
  const argv = [process.execPath, cli, "run", `--allow-write=${dir}`, `--report=${report}`, `--timeout=${TIMEOUT_S}`, "--", python, "-I", "-c", reportSwapProgram(), JSON.stringify({ mode, report, target })];
  const proc = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const drain = new FifoDrain();
  let hung = false;
  const killer = setTimeout(() => {
    hung = true;
    proc.kill("SIGKILL");
  }, (TIMEOUT_S + 5) * 1000);
  const poller = mode === "fifo" ? setInterval(() => drain.poll(report), 10) : undefined;
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(killer);
  if (poller) clearInterval(poller);
  if (mode === "fifo") drain.poll(report);
  drain.close();

  const swapped = stdout.includes(`"swapped": "${mode}"`);
  const said = stderr.trim().split("\n").pop() ?? "";
  const seen = `cordon exited ${hung ? "never (killed after " + (TIMEOUT_S + 5) + " s)" : proc.exitCode}${said ? ` (${said})` : ""}; the command ${swapped ? "swapped the path" : "did not get to swap the path"}; the report path now holds ${whatIs(report)}`;
  if (mode === "symlink") {
    const changed = existsSync(target) && readFileSync(target, "utf8") !== CANARY;
    if (changed) return { id, ok: true, call, errno: null, detail: `cordon wrote its report through the planted symlink into a file outside every grant; ${seen}` };
    if (!swapped) return { id, ok: false, call, errno: null, detail: `the swap did not happen; ${seen}`, error: true };
  } else {
    if (drain.bytes > 0 || hung) return { id, ok: true, call, errno: null, detail: `cordon opened the planted FIFO and wrote ${drain.bytes} bytes into it (without a reader it waits in open() for good); ${seen}` };
    if (!swapped) return { id, ok: false, call, errno: null, detail: `the swap did not happen; ${seen}`, error: true };
  }
  const cause = /ELOOP|ENXIO|symlink|FIFO|regular file/i.test(said) ? "refused" : whatIs(report) === "a regular file holding the report" ? "renamed" : "fd";
  return { id, ok: false, call, errno: null, detail: `the outside ${mode === "symlink" ? "file is unchanged" : "reader got nothing"}; ${seen}`, cause };
}
