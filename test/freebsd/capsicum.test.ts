// Capsicum on FreeBSD: after cap_enter a process cannot open by path but
// keeps the descriptors it holds, within the rights they were limited to.
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ERRNO } from "../../ffi/generated/freebsd-errno.ts";
import { describeUnless } from "../helpers/skip.ts";

const notFreebsd = process.platform === "freebsd" ? undefined : `needs FreeBSD, this is ${process.platform}`;

describeUnless(notFreebsd, "capsicum", () => {
  const dir = mkdtempSync(join(tmpdir(), "cordon-cap-"));
  const readable = join(dir, "readable");
  const writable = join(dir, "writable");
  writeFileSync(readable, "0123456789abcdef");
  writeFileSync(writable, "");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("capability mode forbids open by path; held and limited descriptors keep exactly their rights", async () => {
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "fixtures", "capmode.ts"), readable, writable], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(proc.stdout).text();
    await proc.exited;
    const r = JSON.parse(out.trim().split("\n").pop()!);
    expect(r.capmode).toBe(true);
    // Bun may not know Capsicum's errno names; the numbers are FreeBSD's own.
    expect(r.openByPath.ok).toBe(false);
    expect(r.openByPath.code === "ECAPMODE" || r.openByPath.errno === ERRNO.CAPMODE).toBe(true);
    expect(r.readPreopened).toEqual({ ok: true, value: 16 });
    expect(r.writeLimited.ok).toBe(false);
    expect(r.writeLimited.code === "ENOTCAPABLE" || r.writeLimited.errno === ERRNO.NOTCAPABLE).toBe(true);
  });
});
