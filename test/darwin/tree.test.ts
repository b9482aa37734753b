// The macOS process-tree mechanisms and their documented limits
// (docs/assumptions/macos.md): NOTE_TRACK is refused, an orphan that calls
// setsid leaves the group, RLIMIT_NPROC counts per uid, RLIMIT_AS is not enforced.
import { expect, test } from "bun:test";
import { childPids, kqueue, NOTE, procDrain, procWatchStatus } from "../../ffi/darwin.ts";
import { statusName } from "../../ffi/status.ts";
import { ProcessTree } from "../../lib/backend/darwin/tree.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { alive, eventually, launched, notDarwin } from "./helpers.ts";
import { closeSync } from "node:fs";

describeUnless(notDarwin, "macOS process tree", () => {
  test("kqueue refuses NOTE_TRACK with ENOTSUP but takes NOTE_EXIT | NOTE_FORK", () => {
    const kq = kqueue();
    try {
      expect(statusName("errno", procWatchStatus(kq, process.pid, NOTE.EXIT | NOTE.TRACK))).toBe("ENOTSUP");
      expect(procWatchStatus(kq, process.pid, NOTE.EXIT | NOTE.FORK)).toBe(0);
    } finally {
      closeSync(kq);
    }
  });

  test("NOTE_EXIT arrives for a watched child", async () => {
    const kq = kqueue();
    try {
      const child = Bun.spawn(["/bin/sh", "-c", "read x"], { stdin: "pipe" });
      expect(procWatchStatus(kq, child.pid, NOTE.EXIT)).toBe(0);
      child.stdin.end();
      await child.exited;
      const seen = await eventually(() => procDrain(kq).some((e) => e.pid === child.pid && (e.fflags & NOTE.EXIT) !== 0));
      expect(seen).toBe(true);
    } finally {
      closeSync(kq);
    }
  });

  test("proc_listchildpids finds the children, and the tree kill ends them", async () => {
    const sh = Bun.spawn(["/bin/sh", "-c", "sleep 60 & sleep 60 & wait"]);
    const tree = new ProcessTree(sh.pid);
    try {
      expect(await eventually(() => childPids(sh.pid).length === 2)).toBe(true);
      tree.sweep();
      const members = [...tree.live];
      expect(members.length).toBe(3);
      tree.kill("SIGKILL");
      await sh.exited;
      expect(await eventually(() => members.every((p) => !alive(p)))).toBe(true);
    } finally {
      tree.close();
    }
  });

  test("an orphan that calls setsid escapes the process-group kill", async () => {
    const script = "use POSIX; my $p = fork; if ($p) { print qq($p\\n); exit 0 } POSIX::setsid(); sleep 60;";
    const r = await launched(["--setsid"], ["/usr/bin/perl", "-e", script]);
    const orphan = Number(r.stdout.trim());
    expect(orphan).toBeGreaterThan(1);
    try {
      // The launcher's group is gone with it; the orphan leads a group of its own that no one tracked.
      const group = Number(Bun.spawnSync(["/bin/ps", "-o", "pgid=", "-p", String(orphan)]).stdout.toString().trim());
      expect(group).toBe(orphan);
      expect(alive(orphan)).toBe(true);
    } finally {
      process.kill(orphan, "SIGKILL");
    }
  });

  test("RLIMIT_AS is not enforced: a 256 MiB allocation succeeds under a 64 MiB limit", async () => {
    const mib = 1024 * 1024;
    const r = await launched(["--rlimit", "5", String(64 * mib), String(64 * mib)], ["/usr/bin/perl", "-e", 'my $x = "a" x (256*1024*1024); print length($x)']);
    // Either macOS refuses the limit itself (EINVAL) or accepts it and ignores it.
    const refused = r.code === 125 && r.stderr.includes("setrlimit");
    expect(refused || r.stdout === String(256 * mib)).toBe(true);
  });

  testUnless(process.getuid?.() === 0 ? "RLIMIT_NPROC does not bind root" : undefined, "RLIMIT_NPROC counts every process of the uid, not the tree", async () => {
    // The tree is one shell; it still cannot fork under a limit of 1, because the uid runs more.
    const low = await launched(["--rlimit", "7", "1", "1"], ["/bin/sh", "-c", "/usr/bin/true && echo forked"]);
    expect(low.stdout).not.toContain("forked");
    const high = await launched([], ["/bin/sh", "-c", "/usr/bin/true && echo forked"]);
    expect(high.stdout).toContain("forked");
  });
});
