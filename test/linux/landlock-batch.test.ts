// The path rules of a ruleset added in one native call: a batch-built ruleset
// confines a child like rules added one by one, a failing rule is named, and
// a malformed batch is refused with a typed status before any rule is added.
import { afterAll, beforeAll, expect } from "bun:test";
import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { closeFd, linux } from "../../ffi/linux.ts";
import { addPathRules, createRuleset, packPathRules, RULE_KIND } from "../../ffi/linux-landlock.ts";
import { CORDON_E } from "../../ffi/status.ts";
import { spawnLinux } from "../../lib/backend/linux/spawn.ts";
import { describeUnless, linuxRequirement, testUnless } from "../helpers/skip.ts";
import { scratch, systemRead, testAbi } from "./landlock-fixture.ts";

const unmet = linuxRequirement(testAbi >= 1 ? undefined : "landlock ABI >= 1 (kernel or CORDON_LANDLOCK_ABI_CAP)");

/** LANDLOCK_ACCESS_FS_EXECUTE | READ_FILE | READ_DIR. */
const READ = (1 << 0) | (1 << 2) | (1 << 3);
const FILE_READ = (1 << 0) | (1 << 2);

const readRules = (paths: readonly string[]) => paths.map((path) => ({ path, access: READ, fileAccess: FILE_READ }));
/** What this process's open fds name (other threads may open and close fds meanwhile, so counts are not compared). */
function openTargets(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      out.push(readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // closed since it was listed
    }
  }
  return out;
}

/** Calls the export with raw buffers: returns the status and the kinds it wrote. */
function rawBatch(rulesetFd: number, bytes: Uint8Array, count: number): { rc: number; kinds: number[] } {
  const kinds = new Uint8Array(count).fill(0xaa);
  const rc = linux().cordon_linux_landlock_add_path_rules(rulesetFd, bytes, bytes, kinds, kinds);
  return { rc, kinds: [...kinds] };
}

describeUnless(unmet, "landlock path rules in one native call", () => {
  let t: ReturnType<typeof scratch>;
  beforeAll(() => {
    t = scratch();
  });
  afterAll(() => t.cleanup());

  testUnless(undefined, "a batch-built ruleset lets the child read its grant and nothing else", async () => {
    const fd = createRuleset({ handledFs: READ, handledNet: 0, scoped: 0, size: 8 });
    let proc;
    try {
      const kinds = addPathRules(fd, packPathRules(readRules([...systemRead(), t.ro, join(t.out, "f")])));
      expect(kinds[kinds.length - 2]).toBe(RULE_KIND.directory);
      expect(kinds[kinds.length - 1]).toBe(RULE_KIND.file);
      const script = `cat ${join(t.ro, "f")} && cat ${join(t.out, "f")} && cat ${join(t.rw, "f")}`;
      proc = spawnLinux(["/bin/sh", "-c", script], { landlock: { rulesetFd: fd, restrictFlags: 0 }, env: { PATH: "/usr/bin:/bin" }, stdout: "pipe", stderr: "pipe" });
    } finally {
      closeFd(fd);
    }
    const [out, err, code] = await Promise.all([new Response(proc.stdout as ReadableStream).text(), new Response(proc.stderr as ReadableStream).text(), proc.exited]);
    // ro/f (directory grant) and out/f (file grant) are read; rw/f, granted nothing, is not.
    expect(out).toBe("datadata");
    expect(err).toContain("Permission denied");
    expect(code).not.toBe(0);
  });

  testUnless(undefined, "the first path that cannot be opened stops the batch and is named; no fd leaks", () => {
    const fd = createRuleset({ handledFs: READ, handledNet: 0, scoped: 0, size: 8 });
    const missing = join(t.out, "missing");
    try {
      const batch = packPathRules(readRules([t.ro, missing, t.rw]));
      let err: unknown;
      try {
        addPathRules(fd, batch);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ op: "open", errorName: "ENOENT", detail: missing });
      const { rc, kinds } = rawBatch(fd, batch.bytes, 3);
      expect(rc).toBe(-2);
      expect(kinds).toEqual([RULE_KIND.directory, RULE_KIND.openFailed, RULE_KIND.notAttempted]);
      // The path opened before the failure was closed again.
      expect(openTargets()).not.toContain(t.ro);
    } finally {
      closeFd(fd);
    }
  });

  testUnless(undefined, "a rule the kernel refuses is named with landlock_add_rule", () => {
    // READ_DIR is not handled by this ruleset: the kernel refuses the rule (EINVAL).
    const fd = createRuleset({ handledFs: FILE_READ, handledNet: 0, scoped: 0, size: 8 });
    try {
      expect(() => addPathRules(fd, packPathRules(readRules([t.ro])))).toThrow(expect.objectContaining({ op: "landlock_add_rule", errorName: "EINVAL", detail: t.ro }));
    } finally {
      closeFd(fd);
    }
  });

  testUnless(undefined, "a malformed batch is refused with a typed status before any syscall", () => {
    const good = packPathRules(readRules([t.ro])).bytes;
    const withLength = (n: number) => {
      const b = good.slice();
      new DataView(b.buffer).setUint32(16, n, true);
      return b;
    };
    const withByte = (at: number, v: number) => {
      const b = good.slice();
      b[at] = v;
      return b;
    };
    const padded = new Uint8Array(good.length + 1);
    padded.set(good);
    // -1 is no ruleset: a batch that reached the kernel would say EBADF.
    const cases: [string, Uint8Array, number, number][] = [
      ["cut short", good.subarray(0, good.length - 1), 1, CORDON_E.RECORD_OUT_OF_BOUNDS],
      ["header cut short", good.subarray(0, 12), 1, CORDON_E.RECORD_OUT_OF_BOUNDS],
      ["bytes left over", padded, 1, CORDON_E.RECORD_OUT_OF_BOUNDS],
      ["more records counted than given", good, 2, CORDON_E.RECORD_OUT_OF_BOUNDS],
      ["path length past the end", withLength(0xffff_fff0), 1, CORDON_E.RECORD_OUT_OF_BOUNDS],
      ["empty path", withLength(0), 1, CORDON_E.RECORD_OUT_OF_BOUNDS],
      ["path without its NUL", withByte(good.length - 1, 0x41), 1, CORDON_E.INVALID_ARGUMENT],
      ["NUL inside the path", withByte(21, 0), 1, CORDON_E.INVALID_ARGUMENT],
      ["rules but no count", good, 0, CORDON_E.RECORD_OUT_OF_BOUNDS],
    ];
    for (const [what, bytes, count, status] of cases) {
      const { rc, kinds } = rawBatch(-1, bytes, count);
      expect({ what, rc }).toEqual({ what, rc: status });
      expect({ what, kinds }).toEqual({ what, kinds: new Array(count).fill(RULE_KIND.notAttempted) });
    }
    expect(rawBatch(-1, good, 1)).toEqual({ rc: -9, kinds: [RULE_KIND.addFailed] });
    expect(rawBatch(-1, new Uint8Array(0), 0).rc).toBe(0);
    // Too many records for any policy.
    expect(rawBatch(-1, good, 65537).rc).toBe(CORDON_E.INVALID_ARGUMENT);
    // Through the typed wrapper: the status becomes an OsError saying which check failed.
    expect(() => addPathRules(0x7fffffff, { bytes: good.subarray(0, 30), paths: [t.ro] })).toThrow(expect.objectContaining({ errorName: "CORDON_E_RECORD_OUT_OF_BOUNDS" }));
  });
});
