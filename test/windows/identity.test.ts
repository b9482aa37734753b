// Identity mechanisms Wine 8 accepts without enforcing (measured): restricted
// and low-integrity tokens, DACLs, AppContainer profiles, NetUser accounts,
// WFP. They skip under Wine with that reason; on Windows they assert the kernel's answer.
import { expect } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeHandle } from "../../ffi/windows.ts";
import { ACCESS_MODE, GENERIC, NO_INHERITANCE, accessCheck, setAcl } from "../../ffi/windows-acl.ts";
import { exitCode, spawnProcess, waitProcess } from "../../ffi/windows-spawn.ts";
import { INTEGRITY, RESTRICTED_TOKEN, appContainerSid, deleteAppContainer, restrictedToken, sidFromString, tokenInfo } from "../../ffi/windows-token.ts";
import { UF_ACCOUNTDISABLE, addUser, deleteUser, logonUser, setUserFlags, userExists, userSid } from "../../ffi/windows-user.ts";
import { WFP_LAYER, addWfpFilter, closeWfp, openWfp } from "../../ffi/windows-wfp.ts";
import { commandLine } from "../../lib/plan/windows/command-line.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { cleanupAfterEach, lacking, notWindows } from "./support.ts";

const T = 60_000;
const cmdExe = process.env.ComSpec ?? "C:\\windows\\system32\\cmd.exe";
const needsAdmin = (...m: Parameters<typeof lacking>) => lacking(...m) ?? (tokenInfo().elevated ? undefined : "needs an elevated (administrator) token");
const FILE_WRITE_DATA_AND_APPEND = 0x2 | 0x4;

const cleanup = cleanupAfterEach();

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cordon-id-"));
  cleanup.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Runs cmd.exe with `args` (each quoted by CommandLineToArgvW rules, which cmd.exe reads right only without embedded quotes). */
function runCmd(args: readonly string[], token?: bigint): number {
  const c = spawnProcess({ commandLine: commandLine([cmdExe, "/d", "/c", ...args]), ...(token ? { token } : {}) });
  closeHandle(c.thread);
  expect(waitProcess(c.process, T)).toBe(true);
  const code = exitCode(c.process);
  closeHandle(c.process);
  return code;
}

describeUnless(notWindows, "this process's token", () => {
  testUnless(undefined, "an elevated token runs at high integrity or above, an unelevated one at medium or below", () => {
    const own = tokenInfo();
    if (own.elevated) expect(own.integrityRid).toBeGreaterThanOrEqual(INTEGRITY.HIGH);
    else expect(own.integrityRid).toBeLessThanOrEqual(INTEGRITY.MEDIUM);
    expect(own.restricted).toBe(false);
  });
});

describeUnless(notWindows, "tokens (enforced on Windows)", () => {
  testUnless(lacking("restricted-token"), "a low-integrity restricted token cannot write into a medium-labeled directory; the caller's token can", () => {
    const dir = tempDir();
    const token = restrictedToken(RESTRICTED_TOKEN.DISABLE_MAX_PRIVILEGE | RESTRICTED_TOKEN.LUA_TOKEN, INTEGRITY.LOW);
    cleanup.push(() => closeHandle(token));
    expect(tokenInfo(token).integrityRid).toBe(INTEGRITY.LOW);
    const low = join(dir, "low.txt");
    const medium = join(dir, "medium.txt");
    runCmd(["echo", "x", ">", low], token);
    expect(existsSync(low)).toBe(false);
    expect(runCmd(["echo", "x", ">", medium])).toBe(0);
    expect(existsSync(medium)).toBe(true);
  }, T);
});

describeUnless(notWindows, "DACLs (enforced on Windows)", () => {
  testUnless(lacking("acl"), "a deny entry stops the write AccessCheck predicts; revoking it restores the write", () => {
    const file = join(tempDir(), "f.txt");
    writeFileSync(file, "before");
    const everyone = sidFromString("S-1-1-0");
    expect(accessCheck(file, GENERIC.WRITE).allowed).toBe(true);
    setAcl(file, everyone, FILE_WRITE_DATA_AND_APPEND, ACCESS_MODE.DENY, NO_INHERITANCE);
    cleanup.push(() => setAcl(file, everyone, 0, ACCESS_MODE.REVOKE, NO_INHERITANCE));
    expect(accessCheck(file, GENERIC.WRITE).allowed).toBe(false);
    expect(accessCheck(file, GENERIC.READ).allowed).toBe(true);
    expect(() => writeFileSync(file, "denied")).toThrow();
    setAcl(file, everyone, 0, ACCESS_MODE.REVOKE, NO_INHERITANCE);
    expect(accessCheck(file, GENERIC.WRITE).allowed).toBe(true);
    writeFileSync(file, "after");
  }, T);
});

describeUnless(notWindows, "AppContainer profiles (enforced on Windows)", () => {
  testUnless(lacking("appcontainer"), "a profile's package SID (S-1-15-2-…) is stable across create and derive", () => {
    const name = `cordon.test.${process.pid}`;
    const sid = appContainerSid(name);
    cleanup.push(() => deleteAppContainer(name));
    expect([sid[0], sid[7], new DataView(sid.buffer).getUint32(8, true)]).toEqual([1, 15, 2]); // revision 1, authority 15, first RID 2
    expect(appContainerSid(name)).toEqual(sid);
  }, T);
});

describeUnless(notWindows, "accounts and WFP (administrator tier)", () => {
  testUnless(needsAdmin("account"), "an account is created, found, logs on, is disabled and deleted", () => {
    const name = `cordon${process.pid % 100000}`;
    const password = `C0rdon!${crypto.randomUUID()}`;
    addUser(name, password);
    cleanup.push(() => deleteUser(name));
    expect(userExists(name)).toBe(true);
    expect(userSid(name)[0]).toBe(1);
    const token = logonUser(name, password);
    closeHandle(token);
    expect(() => logonUser(name, `${password}x`)).toThrow();
    setUserFlags(name, UF_ACCOUNTDISABLE | 0x1);
    expect(() => logonUser(name, password)).toThrow();
    deleteUser(name);
    expect(userExists(name)).toBe(false);
  }, T);

  testUnless(needsAdmin("appcontainer", "wfp"), "the filtering engine takes block and permit filters on a package SID in a dynamic session", () => {
    const name = `cordon.wfp.${process.pid}`;
    const sid = appContainerSid(name);
    cleanup.push(() => deleteAppContainer(name));
    const engine = openWfp();
    cleanup.push(() => closeWfp(engine));
    const block = addWfpFilter(engine, { layer: WFP_LAYER.CONNECT_V4, action: "block", weight: 1, packageSid: sid });
    const permit = addWfpFilter(engine, { layer: WFP_LAYER.CONNECT_V4, action: "permit", weight: 15, packageSid: sid, remotePort: 443 });
    expect(block).toBeGreaterThan(0n);
    expect(permit).toBeGreaterThan(block);
  }, T);
});
