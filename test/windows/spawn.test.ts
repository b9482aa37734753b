// STARTUPINFOEXW spawn: PROC_THREAD_ATTRIBUTE_HANDLE_LIST decides exactly
// which handles a child inherits (faithful under Wine 8).
import { expect } from "bun:test";
import { closeHandle, createPipe, peekPipe, readToEnd, setInheritable } from "../../ffi/windows.ts";
import { exitCode, waitProcess } from "../../ffi/windows-spawn.ts";
import { describeUnless, testUnless } from "../helpers/skip.ts";
import { commandLine } from "../../lib/plan/windows/command-line.ts";
import { bunCommand, bunExe, cleanupAfterEach, ffiWindows, heldScript, notWindows, readLine, spawnPiped } from "./support.ts";

const T = 60_000;
const cleanup = cleanupAfterEach();

describeUnless(notWindows, "spawn with a handle list", () => {
  testUnless(undefined, "an inheritable handle left out of HANDLE_LIST does not reach the child; the listed ones do", () => {
    // `other` is inheritable like the child's stdio but not on the list. If the
    // child held its write end, the pipe would keep a writer while the child runs;
    // it must be closed for good instead.
    const other = createPipe();
    setInheritable(other.write, true);
    cleanup.push(() => closeHandle(other.read));
    const child = spawnPiped({ commandLine: bunCommand(heldScript()) });
    cleanup.push(() => closeHandle(child.stdinWrite), () => closeHandle(child.out));
    closeHandle(other.write);

    expect(readLine(child.out)).toBe("ready"); // listed stdout: inherited and working
    // Unlisted: no writer left anywhere while the child is alive. PeekNamedPipe
    // never blocks, so a regression fails here instead of hanging the run.
    expect(peekPipe(other.read)).toBe("closed");
    expect(waitProcess(child.process, 0)).toBe(false);

    closeHandle(child.stdinWrite); // listed stdin: closing it ends the child
    expect(waitProcess(child.process, T)).toBe(true);
    expect(exitCode(child.process)).toBe(0);
  }, T);

  testUnless(undefined, "a handle on the list is inherited: the child writes through the same value into the parent's pipe", () => {
    const extra = createPipe();
    setInheritable(extra.write, true);
    cleanup.push(() => closeHandle(extra.read));
    const script = `const w = await import(${JSON.stringify(ffiWindows)}); w.writeAll(${extra.write}n, new TextEncoder().encode("through the list")); w.closeHandle(${extra.write}n)`;
    const child = spawnPiped({ commandLine: bunCommand(heldScript(script)), inherit: [extra.write] });
    cleanup.push(() => closeHandle(child.stdinWrite), () => closeHandle(child.out));
    closeHandle(extra.write);
    expect(readLine(child.out)).toBe("ready");
    expect(Buffer.from(readToEnd(extra.read)).toString()).toBe("through the list");
    expect(waitProcess(child.process, 0)).toBe(false);
    closeHandle(child.stdinWrite);
    expect(waitProcess(child.process, T)).toBe(true);
    expect(exitCode(child.process)).toBe(0);
  }, T);
});

describeUnless(notWindows, "command lines", () => {
  testUnless(undefined, "a child's argv is exactly the argv cordon quoted", () => {
    const tricky = ["two words", 'say "hi"', "C:\\dir with space\\", 'back\\"slash', "", "\\\\server\\share", "tab\there"];
    const child = spawnPiped({ commandLine: commandLine([bunExe, "-e", "console.log(JSON.stringify(process.argv.slice(1)))", ...tricky]) });
    closeHandle(child.stdinWrite);
    const out = Buffer.from(readToEnd(child.out)).toString().trim();
    closeHandle(child.out);
    expect(waitProcess(child.process, T)).toBe(true);
    // First line only: stderr shares the pipe.
    expect(JSON.parse(out.split("\n")[0]!)).toEqual(tricky);
  }, T);
});
