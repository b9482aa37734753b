// spawn()'s third argument beyond what Bun.spawn itself does (the conformance
// table is bun-spawn-parity.test.ts): kills asked for by `timeout`, `signal`
// and `maxBuffer` reach every process of the tree, not just the command;
// unref() lets the caller exit; stdin is not the caller's unless asked; and
// every malformed or unknown option is a SpawnOptionError naming it, before
// anything is created.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");
const { SpawnOptionError } = await import("../../lib/errors.ts");

const root = join(import.meta.dir, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "cordon-spawn-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function scratch(): string {
  const d = join(dir, String(n++));
  mkdirSync(d);
  return d;
}

/** The command traps the signal only once a setsid'd grandchild's trap has flushed: both must get it. */
function treeScript(d: string, sig: string): string {
  return `setsid sh -c 'trap "echo > ${d}/grandchild; exit 0" ${sig}; echo > ${d}/trapped; while :; do sleep 0.05; done' &
trap "while [ ! -e ${d}/grandchild ]; do sleep 0.01; done; echo > ${d}/command; exit 0" ${sig}
while [ ! -e ${d}/trapped ]; do sleep 0.01; done; echo ready; while :; do sleep 0.05; done`;
}

async function firstLine(s: ReadableStream<Uint8Array>): Promise<string> {
  const r = s.getReader();
  const { value } = await r.read();
  r.releaseLock();
  return new TextDecoder().decode(value).split("\n")[0]!;
}

/** A bun script that imports cordon, run as its own process; resolves to its stdout and how long it lived. */
async function script(body: string, stdin?: string): Promise<{ out: string; ms: number; code: number }> {
  const t0 = performance.now();
  const p = Bun.spawn([process.execPath, "-e", `const { spawn } = await import(${JSON.stringify(join(root, "lib", "spawn.ts"))});\n${body}`], {
    stdin: stdin === undefined ? "ignore" : new Blob([stdin]),
    stdout: "pipe",
  });
  const out = await new Response(p.stdout).text();
  return { out, code: await p.exited, ms: performance.now() - t0 };
}

describeUnless(notLinux, "spawn options", () => {
  for (const [title, options, sig] of [
    ["timeout", { timeout: 300 }, "TERM"],
    ["killSignal with timeout", { timeout: 300, killSignal: "SIGUSR1" }, "USR1"],
  ] as const) {
    test(`${title}: the signal reaches every process of the tree (a setsid'd grandchild's trap runs first)`, async () => {
      const d = scratch();
      const p = spawn(["sh", "-c", treeScript(d, sig)], { fs: { write: [d] } }, options);
      expect(await firstLine(p.stdout as ReadableStream<Uint8Array>)).toBe("ready");
      expect(await p.exited).toBe(0);
      expect([existsSync(join(d, "grandchild")), existsSync(join(d, "command")), p.exitedDueToTimeout]).toEqual([true, true, true]);
    });
  }

  test("an AbortSignal's abort reaches every process of the tree", async () => {
    const d = scratch();
    const ac = new AbortController();
    const p = spawn(["sh", "-c", treeScript(d, "TERM")], { fs: { write: [d] } }, { signal: ac.signal });
    expect(await firstLine(p.stdout as ReadableStream<Uint8Array>)).toBe("ready");
    ac.abort();
    expect(await p.exited).toBe(0);
    expect([existsSync(join(d, "grandchild")), existsSync(join(d, "command"))]).toEqual([true, true]);
  });

  test("maxBuffer: output past it signals every process of the tree", async () => {
    const d = scratch();
    const p = spawn(["sh", "-c", `${treeScript(d, "TERM")} & sleep 0.3; head -c 5000 /dev/zero >&2; wait`], { fs: { write: [d] } }, { maxBuffer: 1000, stderr: "pipe" });
    await new Response(p.stderr as ReadableStream).arrayBuffer();
    await p.exited;
    expect([existsSync(join(d, "grandchild")), existsSync(join(d, "command")), p.exitedDueToMaxBuffer]).toEqual([true, true, true]);
  });

  test("unref() lets the caller exit while the command runs with its output piped; ref() undoes it", async () => {
    const policy = `{ fs: { read: ["/"] }, limits: { timeoutMs: 20000 } }`;
    const gone = await script(`const p = spawn(["sh", "-c", "echo hi; sleep 3"], ${policy}); p.unref(); console.log("spawned");`);
    expect(gone.out).toBe("spawned\n");
    expect(gone.ms).toBeLessThan(2500);
    const kept = await script(`const p = spawn(["sh", "-c", "echo hi; sleep 1.5"], ${policy}); p.unref(); p.ref(); p.exited.then(() => console.log("waited"));`);
    expect(kept.out).toBe("waited\n");
    expect(kept.ms).toBeGreaterThanOrEqual(1400);
  });

  test("stdin defaults to ignored (the caller's stdin never reaches the command); 'inherit' passes it", async () => {
    const policy = `{ fs: { read: ["/"] } }`;
    const ignored = await script(`const p = spawn(["cat"], ${policy}); console.log(JSON.stringify(await p.stdout.text()));`, "the caller's input\n");
    expect(ignored.out).toBe('""\n');
    const inherited = await script(`const p = spawn(["cat"], ${policy}, { stdin: "inherit" }); console.log(JSON.stringify(await p.stdout.text()));`, "the caller's input\n");
    expect(inherited.out).toBe('"the caller\'s input\\n"\n');
  });

  test("the CLI passes its stdin through to the command", async () => {
    const p = Bun.spawn([process.execPath, join(root, "bin", "cordon.ts"), "run", "--", "cat"], { stdin: new Blob(["through the cli\n"]), stdout: "pipe" });
    expect(await new Response(p.stdout).text()).toBe("through the cli\n");
    expect(await p.exited).toBe(0);
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ["a misspelt key", { timout: 100 }, "timout", /did you mean "timeout"/],
    ["a key in another case", { MaxBuffer: 10 }, "MaxBuffer", /did you mean "maxBuffer"/],
    ["an unknown key", { frobnicate: true }, "frobnicate", /unknown option; known: stdio, stdin/],
    ["stdin as an unknown word", { stdin: "bogus" }, "stdin", /expected "pipe"/],
    ["stdout as a Blob", { stdout: new Blob(["x"]) }, "stdout", /a Blob cannot take output/],
    ["stdout as an ArrayBufferView", { stdout: new Uint8Array(4) }, "stdout", /ArrayBufferView/],
    ["stderr as a negative fd", { stderr: -1 }, "stderr", /not a file descriptor/],
    ["stdio that is not an array", { stdio: "pipe" }, "stdio", /expected an array/],
    ["stdio[4] as an object", { stdio: ["ignore", "pipe", "pipe", "pipe", {}] }, "stdio[4]", /expected "pipe"/],
    ["stdin 'socket-fd' (fds 3 and up only)", { stdio: ["socket-fd"] }, "stdio[0]", /expected "pipe"/],
    ["an unknown killSignal", { killSignal: "SIGFOO" }, "killSignal", /not a signal/],
    ["a negative timeout", { timeout: -1 }, "timeout", /expected milliseconds/],
    ["a negative maxBuffer", { maxBuffer: -1 }, "maxBuffer", /0 or more/],
    ["signal that is not an AbortSignal", { signal: {} }, "signal", /AbortSignal/],
    ["onExit that is not a function", { onExit: 5 }, "onExit", /function/],
    ["argv0 with a NUL", { argv0: "a\0b" }, "argv0", /NUL/],
    ["lazy that is not a boolean", { lazy: "yes" }, "lazy", /boolean/],
    ["stdout into a directory that does not exist", { stdout: Bun.file("/nonexistent-cordon-dir/out") }, "stdout", /cannot open \/nonexistent-cordon-dir\/out: ENOENT/],
  ];
  for (const [title, options, option, message] of bad) {
    test(`a SpawnOptionError names the option, and nothing starts: ${title}`, () => {
      const before = readdirSync(tmpdir()).filter((f) => f.startsWith(`cordon-${process.pid}-`)).length;
      let err: unknown;
      try {
        spawn(["true"], {}, options as never);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpawnOptionError);
      expect((err as InstanceType<typeof SpawnOptionError>).option).toBe(option);
      expect(String(err)).toMatch(message);
      // No private TMPDIR was made (or it was removed).
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`cordon-${process.pid}-`)).length).toBe(before);
    });
  }

  test("send() and disconnect() throw: there is no IPC channel", async () => {
    const p = spawn(["true"], {});
    expect(() => p.send("x")).toThrow(SpawnOptionError);
    expect(() => p.disconnect()).toThrow(SpawnOptionError);
    await p.exited;
  });
});
