// Seatbelt through the launcher: each forbidden operation is tried by the
// sandboxed command and must fail; its twin inside the grants must succeed.
import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { launcherPath } from "../../ffi/darwin.ts";
import { describeUnless } from "../helpers/skip.ts";
import { freshDir, launched, notDarwin, sandboxed } from "./helpers.ts";

describeUnless(notDarwin, "seatbelt profile", () => {
  const granted = freshDir("granted");
  const outside = freshDir("outside");
  writeFileSync(join(outside, "secret"), "outside secret\n");
  writeFileSync(join(granted, "readable"), "inside\n");
  afterAll(() => {
    rmSync(granted, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test("writing inside a write grant works", async () => {
    const r = await sandboxed(["/bin/sh", "-c", `echo ok > '${granted}/made' && cat '${granted}/made'`], { fs: { write: [granted] } });
    expect(r).toMatchObject({ code: 0, stdout: "ok\n" });
  });

  test("writing outside every grant fails", async () => {
    const r = await sandboxed(["/bin/sh", "-c", `echo x > '${outside}/escaped'`], { fs: { write: [granted] } });
    expect(r.code).not.toBe(0);
    expect(existsSync(join(outside, "escaped"))).toBe(false);
  });

  test("reading outside every grant fails, inside works", async () => {
    const out = await sandboxed(["/bin/cat", join(outside, "secret")], { fs: { read: [granted] } });
    expect(out.code).not.toBe(0);
    expect(out.stdout).not.toContain("outside secret");
    const inside = await sandboxed(["/bin/cat", join(granted, "readable")], { fs: { read: [granted] } });
    expect(inside).toMatchObject({ code: 0, stdout: "inside\n" });
  });

  test("net none refuses a TCP connect that a port grant allows, and only to that port", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {}, open(s) { s.end(); } } });
    try {
      const connect = ["/bin/bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${server.port} && echo connected`];
      const denied = await sandboxed(connect, { net: "none" });
      expect(denied.stdout).not.toContain("connected");
      const ported = await sandboxed(connect, { net: { connect: [server.port] } });
      expect(ported.stdout).toContain("connected");
      const otherPort = await sandboxed(connect, { net: { connect: [server.port === 65535 ? 1 : server.port + 1] } });
      expect(otherPort.stdout).not.toContain("connected");
    } finally {
      server.stop(true);
    }
  });

  test("signals reach only processes of the same sandbox", async () => {
    const victim = Bun.spawn(["/bin/sleep", "60"]);
    try {
      const outsider = await sandboxed(["/bin/sh", "-c", `kill -TERM ${victim.pid} && echo reached`], {});
      expect(outsider.stdout).not.toContain("reached");
      expect(victim.exitCode).toBeNull();
      const own = await sandboxed(["/bin/sh", "-c", "/bin/sleep 60 & kill -TERM $! && echo reached"], {});
      expect(own.stdout).toContain("reached");
    } finally {
      victim.kill("SIGKILL");
    }
  });

  test("an enclosing sandbox is reported: the inner launcher refuses to nest", async () => {
    const inner = [launcherPath(), "--profile", "(version 1)(allow default)", "--", "/usr/bin/true"];
    const nested = await sandboxed(inner, { fs: { read: [dirname(launcherPath())] } });
    expect(nested.code).toBe(125);
    expect(nested.stderr).toContain("Seatbelt cannot nest");
    const alone = await launched(["--profile", "(version 1)(allow default)"], ["/usr/bin/true"]);
    expect(alone.code).toBe(0);
  });
});
