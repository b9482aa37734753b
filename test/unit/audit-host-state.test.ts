// The host-state rows of the audit (lib/audit/channels-host.ts): their
// verdicts from plain probe results, the supervisor's host-side checks on
// temporary files (set-id files, a changed node put back), the question
// protocol between probe and supervisor, and the probe files shipping with
// the package. No sandbox here; test/linux/audit.test.ts runs them for real.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linuxChannels, type Channel } from "../../lib/audit/channels.ts";
import { hostStateChannels } from "../../lib/audit/channels-host.ts";
import { converse } from "../../lib/audit/converse.ts";
import { checkSetid, hostFacts, hostNodesReached, restoreDevices, snapshotDevices } from "../../lib/audit/host-state.ts";
import { insideProgram, reportSwapProgram } from "../../lib/audit/probe-source.ts";
import { judge, type InsideResult } from "../../lib/audit/verdict.ts";

const chan = (id: string): Channel => linuxChannels.find((c) => c.id === id)!;
const ok = (id: string, detail = "done", extra: Partial<InsideResult> = {}): InsideResult => ({ id, ok: true, call: `${id}()`, errno: null, detail, ...extra });
const fail = (id: string, errno: string | null, extra: Partial<InsideResult> = {}): InsideResult => ({ id, ok: false, call: `${id}()`, errno, detail: "denied", ...extra });

const scratch = mkdtempSync(join(tmpdir(), "cordon-audit-unit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the host-state channels are in the Linux list", () => {
  test("each is listed once, names what blocks it and what closes it", () => {
    for (const c of hostStateChannels) {
      expect(linuxChannels.filter((x) => x.id === c.id)).toHaveLength(1);
      expect({ id: c.id, blocked: Object.keys(c.blockedBy).length > 0, close: c.closeWith.length > 10 }).toEqual({ id: c.id, blocked: true, close: true });
    }
    const ids = hostStateChannels.map((c) => c.id);
    for (const prefix of ["fs.setid.", "dev.meta.", "net.tcp.listen", "fs.keys.", "proc.root.", "net.netlink.kobject_uevent", "report."]) {
      expect(`${prefix}: ${ids.some((id) => id.startsWith(prefix))}`).toBe(`${prefix}: true`);
    }
  });

  test("every row but the supervisor's own is attempted by the inside probe, under the same id", () => {
    const attempted = new Set([...insideProgram().matchAll(/attempt\(\s*"([^"]+)"/g)].map((m) => m[1]));
    const program = insideProgram();
    for (const [id] of program.matchAll(/"(fs\.setid\.[a-z-]+)"/g)) attempted.add(id.slice(1, -1));
    for (const name of ["slabinfo", "timer_list", "vmallocinfo", "pagetypeinfo"]) if (program.includes(`"${name}"`)) attempted.add(`proc.root.${name}`);
    for (const m of program.matchAll(/\("(\w+)", \d+, \d, /g)) attempted.add(`net.netlink.${m[1]}`);
    const missing = hostStateChannels.filter((c) => c.side !== "host" && !attempted.has(c.id)).map((c) => c.id);
    expect(missing).toEqual([]);
    expect(hostStateChannels.filter((c) => c.side === "host").map((c) => c.id)).toEqual(["report.symlink", "report.fifo"]);
    expect(program.trimEnd().endsWith('print(json.dumps({"done": True}), flush=True)')).toBe(true);
  });

  test("the probe files ship with the package and the report command swaps the path", () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "package.json"), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("lib/");
    expect(reportSwapProgram()).toContain("os.symlink(cfg[\"target\"], path)");
    expect(reportSwapProgram()).toContain("os.mkfifo(path");
  });
});

describe("set-id files in a write grant", () => {
  test("reachable only when the host's file carries the bit; a refusal names its mechanism", () => {
    expect(judge(chan("fs.setid.chmod-suid"), ok("fs.setid.chmod-suid", "mode 4755"), 1)).toMatchObject({ verdict: "reachable", receipt: 1 });
    const unseen = judge(chan("fs.setid.chmod-suid"), ok("fs.setid.chmod-suid", "mode 4755"), 0);
    expect(unseen).toMatchObject({ verdict: "blocked", mechanism: "the host's file does not carry it" });
    expect(judge(chan("fs.setid.chmod-sgid"), fail("fs.setid.chmod-sgid", "EPERM"), 0).mechanism).toBe("seccomp (set-id mode bits refused)");
    expect(judge(chan("fs.setid.chmod-sgid"), fail("fs.setid.chmod-sgid", null, { cause: "cleared" }), 0).mechanism).toContain("cleared the bit");
    expect(judge(chan("fs.setid.create-suid"), fail("fs.setid.create-suid", "EROFS"), 0).mechanism).toBe("read-only mount");
  });

  test("file capabilities: EPERM without CAP_SETFCAP says so; EPERM with it is seccomp's", () => {
    expect(judge(chan("fs.setid.fcaps"), fail("fs.setid.fcaps", "EPERM", { cause: "nocap" }), 0).mechanism).toBe("capabilities dropped (no CAP_SETFCAP inside)");
    expect(judge(chan("fs.setid.fcaps"), fail("fs.setid.fcaps", "EPERM"), 0).mechanism).toContain("seccomp");
  });

  test("without a place to plant (no write grant, no TMPDIR) the rows are n/a", () => {
    expect(judge(chan("fs.setid.chmod-suid"), { id: "fs.setid.chmod-suid", ok: null, call: "c", errno: null, detail: "not present here" }, undefined).verdict).toBe("n/a");
  });

  test("the host check counts the bit per row, looks only at nonce-named files and removes them", () => {
    const dir = mkdtempSync(join(scratch, "setid-"));
    const nonce = "0123abcd";
    const plant = (kind: string, mode: number) => {
      const p = join(dir, `cordon-audit-${nonce}-${kind}`);
      writeFileSync(p, "");
      chmodSync(p, mode);
      return p;
    };
    plant("suid", 0o4755);
    plant("sgid", 0o755);
    plant("fcaps", 0o600);
    writeFileSync(join(dir, "other"), "");
    const counts = checkSetid(dir, nonce, {
      "fs.setid.chmod-suid": `cordon-audit-${nonce}-suid`,
      "fs.setid.chmod-sgid": `cordon-audit-${nonce}-sgid`,
      "fs.setid.create-suid": `cordon-audit-${nonce}-creat`,
      "fs.setid.fcaps": `cordon-audit-${nonce}-fcaps`,
      "fs.setid.escape": "../other",
    }, (p) => p.endsWith("-fcaps"));
    expect(Object.fromEntries(counts)).toEqual({ "fs.setid.chmod-suid": 1, "fs.setid.chmod-sgid": 0, "fs.setid.create-suid": 0, "fs.setid.fcaps": 1 });
    expect(existsSync(join(dir, `cordon-audit-${nonce}-suid`))).toBe(false);
    expect(existsSync(join(dir, "other"))).toBe(true);
  });
});

describe("device-node metadata", () => {
  test("reachable only for nodes that are the host's own inodes", () => {
    const node = join(scratch, "node");
    writeFileSync(node, "");
    const snap = snapshotDevices([node]);
    const st = statSync(node);
    const id = `${st.dev}:${st.ino}`;
    expect(hostNodesReached(snap, ok("dev.meta.chmod", "x", { data: { hits: { [node]: id } } }))).toBe(1);
    expect(hostNodesReached(snap, ok("dev.meta.chmod", "x", { data: { hits: { [node]: "1:2" } } }))).toBe(0);
    expect(hostNodesReached(snap, fail("dev.meta.chmod", "EROFS"))).toBe(0);
    expect(judge(chan("dev.meta.chmod"), ok("dev.meta.chmod"), 0).mechanism).toBe("the sandbox's node is its own, not the host's");
    expect(judge(chan("dev.meta.chown"), fail("dev.meta.chown", "EROFS"), 0).mechanism).toBe("read-only bind of the device node");
    expect(judge(chan("dev.meta.utimes"), ok("dev.meta.utimes"), 2).verdict).toBe("reachable");
  });

  test("a node whose mode or times changed is put back and listed", () => {
    const node = join(scratch, "node2");
    writeFileSync(node, "");
    chmodSync(node, 0o666);
    const snap = snapshotDevices([node]);
    expect(restoreDevices(snap)).toEqual([]);
    chmodSync(node, 0o600);
    const found = restoreDevices(snap);
    expect(found).toEqual([{ kind: "device", name: `${node}: mode 600 (was 666), restored`, removed: true }]);
    expect(statSync(node).mode & 0o7777).toBe(0o666);
  });
});

describe("inbound through listen() auto-bind", () => {
  test("reachable only when the outside connected and the nonce arrived; a refused listen() names the filter", () => {
    expect(judge(chan("net.tcp.listen"), ok("net.tcp.listen"), 1).verdict).toBe("reachable");
    expect(judge(chan("net.tcp.listen"), ok("net.tcp.listen"), 0).mechanism).toContain("network namespace");
    expect(judge(chan("net.tcp.listen"), fail("net.tcp.listen", "EACCES", { cause: "listen" }), 0).mechanism).toBe("seccomp (listen() refused without a bind grant)");
    expect(judge(chan("net.tcp.listen"), fail("net.tcp.listen", "EACCES"), 0).mechanism).toBe("seccomp (no-network socket() allow-list)");
  });
});

describe("key files, root-only /proc files, netlink families", () => {
  test("an opened key file is reachable; a listable empty key directory is partial; a refusal is blocked", () => {
    expect(judge(chan("fs.keys.tls"), ok("fs.keys.tls"), undefined).verdict).toBe("reachable");
    expect(judge(chan("fs.keys.tls"), ok("fs.keys.tls", "listed", { partial: true }), undefined)).toMatchObject({ verdict: "partial", mechanism: chan("fs.keys.tls").closeWith });
    expect(judge(chan("fs.keys.ssh-user"), fail("fs.keys.ssh-user", "ENOENT"), undefined).mechanism).toContain("mount namespace");
  });

  test("hostFacts offers the probe only key files the caller can read, ~/.ssh included", () => {
    const home = mkdtempSync(join(scratch, "home-"));
    const ssh = join(home, ".ssh");
    mkdirSync(ssh);
    writeFileSync(join(ssh, "id_test"), "not a key", { mode: 0o600 });
    const facts = hostFacts(home);
    expect(facts.keys.sshUser).toEqual({ dirs: [ssh], files: [join(ssh, "id_test")] });
    expect(hostFacts(undefined).keys.sshUser).toEqual({ dirs: [], files: [] });
    for (const d of facts.devices) expect(d.startsWith("/dev/")).toBe(true);
  });

  test("root-only /proc files: permissions, an empty read and ENOENT each name their mechanism", () => {
    expect(judge(chan("proc.root.slabinfo"), ok("proc.root.slabinfo"), undefined).verdict).toBe("reachable");
    expect(judge(chan("proc.root.slabinfo"), fail("proc.root.slabinfo", "EACCES", { cause: "dac" }), undefined).mechanism).toContain("root-only");
    expect(judge(chan("proc.root.timer_list"), fail("proc.root.timer_list", "EACCES"), undefined).mechanism).toContain("landlock");
    expect(judge(chan("proc.root.vmallocinfo"), fail("proc.root.vmallocinfo", null, { cause: "empty" }), undefined).mechanism).toBe("hidden (reads empty)");
    expect(judge(chan("proc.root.pagetypeinfo"), fail("proc.root.pagetypeinfo", "ENOENT"), undefined).mechanism).toBe("hidden from the sandbox's /proc");
  });

  test("netlink: the host's namespace is reachable, a private one partial, a refused socket blocked by seccomp", () => {
    expect(judge(chan("net.netlink.audit"), ok("net.netlink.audit"), undefined).verdict).toBe("reachable");
    expect(judge(chan("net.netlink.xfrm"), ok("net.netlink.xfrm", "private", { partial: true }), undefined).verdict).toBe("partial");
    expect(judge(chan("net.netlink.generic"), fail("net.netlink.generic", "EACCES"), undefined).mechanism).toContain("seccomp");
    expect(judge(chan("net.netlink.kobject_uevent"), fail("net.netlink.kobject_uevent", "EPROTONOSUPPORT"), undefined).mechanism).toContain("kernel without");
  });
});

describe("the report file", () => {
  test("a changed outside file or bytes in the FIFO are reachable; each way of refusing is named", () => {
    expect(judge(chan("report.symlink"), ok("report.symlink"), undefined).verdict).toBe("reachable");
    expect(judge(chan("report.fifo"), fail("report.fifo", null, { cause: "refused" }), undefined).mechanism).toContain("O_NOFOLLOW");
    expect(judge(chan("report.symlink"), fail("report.symlink", null, { cause: "renamed" }), undefined).mechanism).toContain("rename");
    const fd = judge(chan("report.symlink"), fail("report.symlink", null, { cause: "fd" }), undefined);
    expect(fd.mechanism).toContain("once before the command started");
    expect(fd.evidence).toBe("report.symlink(): denied");
    expect(judge(chan("report.fifo"), fail("report.fifo", null, { error: true }), undefined).verdict).toBe("error");
  });
});

describe("the probe's questions", () => {
  test("each {ask} line gets one answer line on stdin; other lines are kept; a failing answer is an error reply", async () => {
    const text = ['{"id": "a", "ok": true}', '{"port": 5, "ask": "listen"}', "noise", '{"ask": "boom"}', '{"done": true}'].join("\n") + "\n";
    const stdout = new Response(text).body!;
    const written: string[] = [];
    let ended = false;
    const kept = await converse(stdout, { write: (d: string | Uint8Array) => written.push(String(d)), end: () => (ended = true) }, async (q) => {
      if (q.ask === "boom") throw new Error("no");
      return { connected: q.port === 5 };
    });
    expect(kept).toBe(['{"id": "a", "ok": true}', "noise", '{"done": true}'].join("\n"));
    expect(written).toEqual(['{"connected":true}\n', '{"error":"Error: no"}\n']);
    expect(ended).toBe(true);
  });
});
