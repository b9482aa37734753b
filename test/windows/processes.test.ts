// Process enumeration by name through NtQuerySystemInformation (faithful under Wine 8).
import { afterEach, expect } from "bun:test";
import { basename } from "node:path";
import { closeHandle } from "../../ffi/windows.ts";
import { findProcessesByName, listProcesses } from "../../ffi/windows-process.ts";
import { waitProcess } from "../../ffi/windows-spawn.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { bunCommand, bunExe, heldScript, notWindows, readLine, spawnPiped } from "./support.ts";

const T = 60_000;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0).reverse()) f();
});

describeUnless(notWindows, "process enumeration", () => {
  testUnless(undefined, "lists this process under its image name", () => {
    const self = listProcesses().find((p) => p.pid === process.pid);
    expect(self?.name.toLowerCase()).toBe(basename(bunExe).toLowerCase());
  });

  testUnless(undefined, "finds a fresh child by name, with this process as its parent, and not after it exits", () => {
    const child = spawnPiped({ commandLine: bunCommand(heldScript()) });
    cleanup.push(() => closeHandle(child.out), () => closeHandle(child.process), () => closeHandle(child.thread));
    expect(readLine(child.out)).toBe("ready");
    const found = findProcessesByName(basename(bunExe).toUpperCase()).find((p) => p.pid === child.pid);
    expect(found?.parentPid).toBe(process.pid);
    expect(found?.threads).toBeGreaterThan(0);
    closeHandle(child.stdinWrite);
    expect(waitProcess(child.process, T)).toBe(true);
    expect(listProcesses().some((p) => p.pid === child.pid)).toBe(false);
  }, T);
});
