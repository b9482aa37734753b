// The view entry kinds a private root gained for carve-outs and the sandbox's
// own filesystems (CORDON_VIEW_DENY, TMPFS, DEVPTS, CGROUP, CGROUP2): what
// the record check refuses, and what the child refuses to build.
import { afterAll, expect, test } from "bun:test";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noPrivateRoot } from "../helpers/private-root.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const spawnFfi = notLinux ? undefined : await import("../../ffi/linux-spawn.ts");
const linuxFfi = notLinux ? undefined : await import("../../ffi/linux.ts");


/** What /bin/sh needs, bound read-only. */
const systemDirs = () => ["/usr", "/bin", "/lib", "/lib64"].filter((p) => existsSync(p)).map((p) => ({ kind: "dir-ro" as const, path: p }));

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-view-kinds-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeUnless(notLinux, "view entry kinds: record checks", () => {
  const record = (view: { kind: number; access?: number; target?: number }[], landlockFd = -1) => {
    const rec = spawnFfi!.encodeSpawnRecord({
      path: "/bin/true", argv: ["true"], envp: [], flags: spawnFfi!.SPAWN_FLAGS.PRIVATE_ROOT, pdeathSignal: 0, cloneFlags: spawnFfi!.CLONE_NEW.NS, cgroupFd: -1,
      landlockFd, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0, view: view.map(() => ({ kind: "mkdir" as const, path: "/x" })),
    });
    const v = new DataView(rec.buffer, rec.byteOffset);
    const table = v.getUint32(120, true);
    view.forEach((e, i) => {
      v.setUint32(table + 16 * i, e.kind, true);
      if (e.target !== undefined) v.setUint32(table + 16 * i + 8, e.target, true);
      if (e.access !== undefined) v.setUint32(table + 16 * i + 12, e.access, true);
    });
    return linuxFfi!.linux().cordon_linux_spawn(rec, rec);
  };

  test("an unknown kind, landlock rights without a ruleset or beyond the rights that exist, rights on a kind that mounts nothing, and options outside the record are refused", () => {
    const { CORDON_E } = require("../../ffi/status.ts") as typeof import("../../ffi/status.ts");
    expect(record([{ kind: 13 }])).toBe(CORDON_E.INVALID_ARGUMENT);
    expect(record([{ kind: 0 }])).toBe(CORDON_E.INVALID_ARGUMENT);
    for (const kind of [9, 10, 11, 12]) expect(record([{ kind, access: 1 << 2 }])).toBe(CORDON_E.INVALID_ARGUMENT); // no ruleset
    expect(record([{ kind: 9, access: 1 << 17 }], 0)).toBe(CORDON_E.INVALID_ARGUMENT);
    for (const kind of [3, 4, 7]) expect(record([{ kind, access: 1 }])).toBe(CORDON_E.INVALID_ARGUMENT); // symlink, mkdir, mask carry nothing there
    expect(record([{ kind: 9, target: 0xfffffff0 }])).toBe(CORDON_E.RECORD_OUT_OF_BOUNDS); // options out of the buffer
  });

  test("the encoder refuses landlock rights on a kind that mounts nothing", () => {
    expect(() =>
      spawnFfi!.encodeSpawnRecord({
        path: "/bin/true", argv: ["true"], envp: [], flags: 0, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1,
        landlockFd: -1, landlockFlags: 0, fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0, view: [{ kind: "deny", path: "/x", access: 4 }],
      }),
    ).toThrow(TypeError);
  });
});

/** Runs `script` in a private root of the system directories and `view`; its stdout. */
async function inView(script: string, view: import("../../ffi/linux-spawn.ts").ViewEntry[]): Promise<string> {
  const { spawnLinux } = await import("../../lib/backend/linux/spawn.ts");
  const { sandboxHost } = await import("../../lib/backend/linux/sandbox.ts");
  const ns = sandboxHost().namespaces === "direct" ? {} : { userNamespace: { uid: process.getuid!(), gid: process.getgid!() } };
  const p = spawnLinux(["/bin/sh", "-c", script], {
    ...ns,
    cloneNamespaces: spawnFfi!.CLONE_NEW.NS,
    privateRoot: [...systemDirs(), ...view],
    searchPath: false,
    dropCapabilities: true,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await new Response(p.stdout as ReadableStream).text();
  await p.exited;
  return out;
}

describeUnless(await noPrivateRoot(), "view entry kinds: what the child refuses to build", () => {
  test("a deny entry not beneath a bind is refused (EXDEV: nothing of the host's to cover); one whose file changed since it was checked stops the spawn (ESTALE)", async () => {
    const dir = join(scratch, "d1");
    mkdirSync(dir);
    writeFileSync(join(dir, "secret"), "s");
    await expect(inView("true", [{ kind: "deny", path: "/nowhere/secret" }])).rejects.toThrow("EXDEV");
    const other = openSync(scratch, "r");
    try {
      await expect(inView("true", [{ kind: "dir-ro", path: dir }, { kind: "deny", path: join(dir, "secret"), sameAs: other }])).rejects.toThrow("ESTALE");
    } finally {
      closeSync(other);
    }
  });

  test("a deny entry covers the file with an empty mode-0000 file the command cannot read, and leaves no source behind in the view", async () => {
    const dir = join(scratch, "d2");
    mkdirSync(dir);
    writeFileSync(join(dir, "secret"), "s");
    writeFileSync(join(dir, "plain"), "p\n");
    const out = await inView(`cat ${dir}/plain; cat ${dir}/secret 2>&1; chmod 644 ${dir}/secret 2>&1; ls -A / | grep -c cordon`, [{ kind: "dir-ro", path: dir }, { kind: "deny", path: join(dir, "secret") }]);
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("p");
    expect(lines[1]).toContain("Permission denied");
    expect(lines[2]).toContain("Read-only file system");
    expect(lines.at(-1)).toBe("0");
  });
});
