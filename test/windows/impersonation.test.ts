// Impersonation, the Windows counterpart of setreuid: cordon's parent-side
// steps that must act as the sandbox's account (checking what it may open,
// creating its folders) run on the calling thread as that account and revert
// inside the same native call, on every path. Bun calls the library on its
// JavaScript thread, so a thread left impersonating would run the rest of
// cordon as the account.
import { expect } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { closeHandle } from "../../ffi/windows.ts";
import { ACCESS_MODE, GENERIC, SUB_CONTAINERS_AND_OBJECTS_INHERIT, pathOwner, setAcl } from "../../ffi/windows-acl.ts";
import { IMPERSONATION_LEVEL, accessCheckAs, createDirectoryAs, threadImpersonating } from "../../ffi/windows-impersonate.ts";
import { INTEGRITY, RESTRICTED_TOKEN, restrictedToken, tokenInfo } from "../../ffi/windows-token.ts";
import { addUser, deleteUser, logonUser, userSid } from "../../ffi/windows-user.ts";
import { checkAsAccount } from "../../lib/backend/windows/grants.ts";
import { FILE_ACCESS } from "../../lib/plan/windows/index.ts";
import { OsError } from "../../lib/errors.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { cleanupAfterEach, lacking, lackingAsAdmin, notWindows, scratchDir } from "./support.ts";

const T = 60_000;
const cleanup = cleanupAfterEach();
const lowToken = () => {
  const token = restrictedToken(RESTRICTED_TOKEN.DISABLE_MAX_PRIVILEGE | RESTRICTED_TOKEN.LUA_TOKEN, INTEGRITY.LOW);
  cleanup.push(() => closeHandle(token));
  return token;
};

describeUnless(notWindows, "impersonation reverts inside each call", () => {
  testUnless(undefined, "after a check as another token — answered, failed on a missing path, failed on a value that is no token — the thread runs as the process again", () => {
    const dir = scratchDir(cleanup, "imp");
    const file = join(dir, "f.txt");
    writeFileSync(file, "x");
    const token = lowToken();
    expect(threadImpersonating()).toBe(false);

    const r = accessCheckAs(token, file, GENERIC.READ);
    expect(r.level).toBe(IMPERSONATION_LEVEL.IMPERSONATION);
    expect(r.allowed).toBe(true);
    expect(r.openStatus).toBe(0);
    expect(threadImpersonating()).toBe(false);

    // Impersonating worked, then the step failed: the revert still ran.
    expect(() => accessCheckAs(token, join(dir, "missing"), GENERIC.READ)).toThrow("ERROR_FILE_NOT_FOUND");
    expect(threadImpersonating()).toBe(false);

    // Impersonating itself failed: nothing to revert, nothing left.
    let error: unknown;
    try {
      accessCheckAs(0x1234n, file, GENERIC.READ);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OsError);
    expect((error as OsError).errorName).toBe("ERROR_INVALID_HANDLE");
    expect(threadImpersonating()).toBe(false);
  }, T);

  testUnless(undefined, "a directory is created as a token inside one call: it exists afterwards and the thread is itself again", () => {
    const dir = join(scratchDir(cleanup, "imp"), "made-as");
    expect(createDirectoryAs(lowToken(), dir)).toBe(IMPERSONATION_LEVEL.IMPERSONATION);
    expect(existsSync(dir)).toBe(true);
    expect(threadImpersonating()).toBe(false);
    // Its owner is a user SID (S-1-5-…), read back through the DACL API.
    expect([pathOwner(dir)[0], pathOwner(dir)[7]]).toEqual([1, 5]);
  }, T);
});

describeUnless(notWindows, "checks as a token the kernel enforces (Windows)", () => {
  testUnless(lacking("restricted-token"), "as a low-integrity token, opening a medium-labeled directory for writing fails; as the caller it works", () => {
    const dir = scratchDir(cleanup, "imp");
    expect(tokenInfo(lowToken()).integrityRid).toBe(INTEGRITY.LOW);
    const low = accessCheckAs(lowToken(), dir, GENERIC.WRITE);
    expect(low.level).toBe(IMPERSONATION_LEVEL.IMPERSONATION);
    expect(low.openStatus).toBe(-5); // ERROR_ACCESS_DENIED: no write up
    const own = restrictedToken(0, 0);
    cleanup.push(() => closeHandle(own));
    expect(accessCheckAs(own, dir, GENERIC.WRITE).openStatus).toBe(0);
    expect(threadImpersonating()).toBe(false);
  }, T);

  testUnless(lackingAsAdmin("account", "acl"), "as a dedicated account: its folder is its own, its grant opens, a directory it was not granted stays closed", () => {
    const name = `cdimp${process.pid % 100000}`;
    const password = `C0rdon!${crypto.randomUUID()}`;
    addUser(name, password);
    cleanup.push(() => deleteUser(name));
    const token = logonUser(name, password);
    cleanup.push(() => closeHandle(token));
    const sid = userSid(name);
    const granted = scratchDir(cleanup, "imp-granted");
    const closed = scratchDir(cleanup, "imp-closed");
    setAcl(granted, sid, FILE_ACCESS.MODIFY, ACCESS_MODE.GRANT, SUB_CONTAINERS_AND_OBJECTS_INHERIT);
    cleanup.push(() => setAcl(granted, sid, 0, ACCESS_MODE.REVOKE, SUB_CONTAINERS_AND_OBJECTS_INHERIT));

    const own = join(granted, "profile");
    expect(createDirectoryAs(token, own)).toBe(IMPERSONATION_LEVEL.IMPERSONATION);
    expect(pathOwner(own)).toEqual(sid);
    const demoted = checkAsAccount(token, name, [
      { path: granted, access: GENERIC.WRITE, allowed: true, guarantee: "fs.write-confined", why: "the write grant" },
      { path: closed, access: GENERIC.WRITE, allowed: false, guarantee: "fs.write-confined", why: "a directory it was not granted" },
    ]);
    expect(demoted).toEqual([]);
    // The positive twin of the closed one: checked as an open path, it is reported.
    const open = checkAsAccount(token, name, [{ path: granted, access: GENERIC.WRITE, allowed: false, guarantee: "fs.write-confined", why: "the write grant" }]);
    expect(open).toMatchObject([{ guarantee: "fs.write-confined", status: "not-enforced" }]);
    expect(() => checkAsAccount(token, name, [{ path: closed, access: GENERIC.READ, allowed: true, guarantee: "fs.read-confined", why: "the read grant" }])).toThrow(`${name} does not get the read grant`);
    expect(threadImpersonating()).toBe(false);
  }, T);
});
