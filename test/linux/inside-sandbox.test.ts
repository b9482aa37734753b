// What jobs expect to find inside a private root: their own /dev/shm (Python
// multiprocessing), a devpts of their own when they ask for ptys, and their
// own cgroup read-only at the host's cgroup mount points, so runtimes see
// their memory limit. Each is tried from inside and checked on the host.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Policy } from "../../lib/policy/types.ts";
import { cordon } from "../cli/helpers.ts";
import { noPrivateRoot } from "../helpers/private-root.ts";
import { describeUnless, linuxRequirement, notLinux } from "../helpers/skip.ts";

const { spawn } = await import("../../lib/spawn.ts");

const skip = await noPrivateRoot();
const python = "/usr/bin/python3";
const noPython = existsSync(python) ? undefined : `${python} is not installed`;
const MiB = 1024 * 1024;

const scratch = realpathSync(mkdtempSync(join(tmpdir(), "cordon-inside-")));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(argv: string[], policy: Policy = {}) {
  const p = spawn(argv, { ...policy, env: { PATH: "/usr/bin:/bin", ...policy.env } }, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout as ReadableStream).text(), new Response(p.stderr as ReadableStream).text()]);
  return { code: await p.exited, out: out.trim(), err: err.trim() };
}

describeUnless(skip ?? noPython, "/dev/shm inside", () => {
  test("Python multiprocessing works inside: a Queue round trip and a Pool map", async () => {
    const queue = await run([python, "-c", "import multiprocessing as m; q=m.Queue(); q.put(1); print(q.get())"]);
    expect(queue).toEqual({ code: 0, out: "1", err: "" });
    const pool = await run([python, "-c", "import multiprocessing as m\nwith m.Pool(2) as p: print(p.map(abs, [-1, -2, 3]))"]);
    expect(pool).toEqual({ code: 0, out: "[1, 2, 3]", err: "" });
  }, 30_000);

  test("it is the sandbox's own tmpfs: a file made there never appears on the host's /dev/shm, and the host's files are not seen", async () => {
    const name = `cordon-shm-${process.pid}`;
    const hostFile = `/dev/shm/cordon-host-${process.pid}`;
    await Bun.write(hostFile, "host");
    try {
      const r = await run(["/bin/sh", "-c", `echo inside > /dev/shm/${name} && cat /dev/shm/${name} && ls -A /dev/shm`]);
      expect(r).toEqual({ code: 0, out: `inside\n${name}`, err: "" });
      expect(existsSync(`/dev/shm/${name}`)).toBe(false);
    } finally {
      rmSync(hostFile, { force: true });
    }
  }, 30_000);

  test("its size is the memory limit, else 64 MiB", async () => {
    const size = (policy: Policy) => run([python, "-c", "import os; s=os.statvfs('/dev/shm'); print(s.f_blocks*s.f_frsize)"], policy);
    expect(await size({})).toEqual({ code: 0, out: String(64 * MiB), err: "" });
    expect(await size({ limits: { memory: 96 * MiB }, compat: "best-effort" })).toEqual({ code: 0, out: String(96 * MiB), err: "" });
  }, 30_000);
});

describeUnless(skip ?? noPython, "a private devpts (pty: true)", () => {
  const openpty = [python, "-c", "import pty,os; m,s=pty.openpty(); print(os.ttyname(s))"];

  test("a pty opens inside with pty: true, on a devpts of the sandbox's own; without it none can", async () => {
    const on = await run(openpty, { pty: true });
    expect(on).toEqual({ code: 0, out: "/dev/pts/0", err: "" });
    // A new instance: none of the host's terminals are there, only the sandbox's ptmx.
    const list = await run(["/bin/ls", "-A", "/dev/pts"], { pty: true });
    expect(list).toEqual({ code: 0, out: "ptmx", err: "" });
    const off = await run(openpty);
    expect(off.code).not.toBe(0);
    expect(off.err).toContain("out of pty devices");
  }, 30_000);
});

/** Where the sandbox's memory limit shows inside, on this host, or why it cannot. */
async function memoryLimitFile(): Promise<{ file?: string; skip?: string | undefined }> {
  if (skip) return { skip };
  const { cgroupHost } = await import("../../lib/backend/linux/cgroup/probe.ts");
  const { hierarchiesOf } = await import("../../lib/backend/linux/inside-mounts.ts");
  const h = cgroupHost();
  if (h.v2?.controllers.includes("memory")) return { file: join(hierarchiesOf(["v2"])[0]!.mountPoint, "memory.max") };
  if (h.v1.memory) return { file: join(hierarchiesOf(["memory"])[0]!.mountPoint, "memory.limit_in_bytes") };
  return { skip: linuxRequirement("no memory cgroup cordon can write here (neither a delegated cgroup v2 memory controller nor a v1 memory hierarchy)") };
}
const limitFile = await memoryLimitFile();

describeUnless(limitFile.skip, "the sandbox's own cgroup inside", () => {
  const memory = 192 * MiB;

  test("under a memory limit the limit file inside shows it, read-only, and /proc/self/cgroup says the sandbox is at the namespace's root", async () => {
    const r = await run(["/bin/sh", "-c", `cat ${limitFile.file}; echo 1 > ${limitFile.file} 2>/dev/null && echo wrote; grep -c ':/$' /proc/self/cgroup; grep -vc ':/$' /proc/self/cgroup; true`], { limits: { memory } });
    const [limit, ...rest] = r.out.split("\n");
    expect({ code: r.code, limit }).toEqual({ code: 0, limit: String(memory) });
    expect(rest[0]).not.toBe("wrote");
    expect(Number(rest.at(-2))).toBeGreaterThan(0); // every line ends in ":/"
    expect(rest.at(-1)).toBe("0");
  }, 30_000);

  const node = Bun.which("node", { PATH: "/usr/bin:/bin" });
  test.skipIf(!node)(`runtimes see it: node's and bun's process.constrainedMemory()${node ? "" : " [skipped: node is not installed in /usr/bin or /bin]"}`, async () => {
    const bunDir = realpathSync(join(process.execPath, ".."));
    const js = "console.log(process.constrainedMemory())";
    const viaNode = await run([node!, "-e", js], { limits: { memory } });
    expect(viaNode).toEqual({ code: 0, out: String(memory), err: "" });
    const viaBun = await run([process.execPath, "-e", js], { limits: { memory }, fs: { read: [bunDir] } });
    expect(viaBun).toEqual({ code: 0, out: String(memory), err: "" });
  }, 30_000);

  test("without a limit nothing of the host's cgroup tree shows: only the sandbox's own directories", async () => {
    const r = await run(["/bin/sh", "-c", "ls /sys/fs/cgroup; cat /proc/self/cgroup"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n").filter((l) => /^\d+:/.test(l) && !l.endsWith(":/"))).toEqual([]);
  }, 30_000);
});

describeUnless(skip, "the working directory", () => {
  test("an ungranted --cwd is an error naming it (exit 125), not an empty directory; a granted one works", async () => {
    const dir = mkdtempSync(join(scratch, "cwd-"));
    const refused = await cordon(["run", `--cwd=${dir}`, "--", "/bin/pwd"]);
    expect(refused.code).toBe(125);
    expect(refused.stderr).toBe(`cordon: --cwd: not granted: ${dir} (grant it with fs.read or fs.write, --allow-read or --allow-write)\n`);
    const ok = await cordon(["run", `--cwd=${dir}`, `--allow-read=${dir}`, "--", "/bin/pwd"]);
    expect({ code: ok.code, out: ok.stdout }).toEqual({ code: 0, out: `${dir}\n` });
  }, 30_000);

  test("the CLI's carve-out flags: --deny-read beneath --allow-read, --allow-pty", async () => {
    const dir = mkdtempSync(join(scratch, "cli-"));
    await Bun.write(join(dir, "secret"), "s");
    await Bun.write(join(dir, "plain"), "p\n");
    const r = await cordon(["run", `--allow-read=${dir}`, `--deny-read=${join(dir, "secret")}`, "--allow-pty", "--", "/bin/sh", "-c", `cat ${dir}/plain; cat ${dir}/secret 2>/dev/null || echo denied; test -c /dev/pts/ptmx && echo pts`]);
    expect({ code: r.code, out: r.stdout }).toEqual({ code: 0, out: "p\ndenied\npts\n" });
  }, 30_000);
});

describe("the entries of the sandbox's own filesystems", () => {
  test("/dev/shm sized to the limit (else 64 MiB), devpts and ptmx only with pty, the descriptor links into /proc/self/fd, cgroups at the host's mount points; landlock rights cut to the ABI; a granted path keeps the grant", async () => {
    const { insideMounts, SHM_DEFAULT_BYTES } = await import("../../lib/backend/linux/inside-mounts.ts");
    const cgroups = [{ version: 1 as const, mountPoint: "/sys/fs/cgroup/memory", controllers: ["memory"] }, { version: 2 as const, mountPoint: "/sys/fs/cgroup/unified", controllers: [] }];
    expect(SHM_DEFAULT_BYTES).toBe(64 * MiB);
    const fdLinks = ([["/dev/fd", "/proc/self/fd"], ["/dev/stdin", "/proc/self/fd/0"], ["/dev/stdout", "/proc/self/fd/1"], ["/dev/stderr", "/proc/self/fd/2"]] as const).map(([path, target]) => ({ kind: "symlink" as const, path, target }));
    expect(insideMounts({ landlockAbi: 0, pty: false, cgroups: [] }, [])).toEqual([{ kind: "tmpfs", path: "/dev/shm", target: `mode=1777,size=${64 * MiB}` }, ...fdLinks]);
    const all = insideMounts({ landlockAbi: 2, memory: 5 * MiB, pty: true, cgroups }, []);
    expect(all.map((e) => [e.kind, e.path, e.target])).toEqual([
      ["tmpfs", "/dev/shm", `mode=1777,size=${5 * MiB}`],
      ["devpts", "/dev/pts", "newinstance,ptmxmode=0666,mode=0620"],
      ["symlink", "/dev/ptmx", "pts/ptmx"],
      ...fdLinks.map((l) => [l.kind, l.path, l.target]),
      ["cgroup", "/sys/fs/cgroup/memory", "memory"],
      ["cgroup2", "/sys/fs/cgroup/unified", undefined],
    ]);
    // ABI 2: no truncate (ABI 3) and no ioctl_dev (ABI 5) in the rights; the cgroup mounts are read-only.
    expect(all[0]!.access! & (1 << 14)).toBe(0);
    expect(all[1]!.access! & (1 << 15)).toBe(0);
    expect(all.find((e) => e.kind === "cgroup")!.access).toBe((1 << 2) | (1 << 3));
    expect(insideMounts({ landlockAbi: 5, pty: true, cgroups: [] }, [])[1]!.access! & (1 << 15)).toBe(1 << 15);
    expect(insideMounts({ landlockAbi: 5, pty: true, cgroups }, ["/dev", "/sys"])).toEqual([]);
  });
});
