// The audit's channel lists: every row says what blocks it and what closes it,
// ids are unique across operating systems, and the macOS rows agree with the
// Seatbelt profiles cordon generates (golden files) — each service a row
// calls closed is really absent from every profile.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { channelsFor, linuxChannels } from "../../lib/audit/channels.ts";
import { darwinChannels, windowsChannels } from "../../lib/audit/channels-other.ts";
import { MECHANISMS } from "../../lib/guarantees/registry.ts";

const all = [...linuxChannels, ...windowsChannels, ...darwinChannels];

describe("audit channel lists", () => {
  test("each OS has its list, and ids are unique across all of them", () => {
    expect(channelsFor("linux")).toBe(linuxChannels);
    expect(channelsFor("win32")).toBe(windowsChannels);
    expect(channelsFor("darwin")).toBe(darwinChannels);
    expect(channelsFor("openbsd")).toEqual([]);
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    for (const c of windowsChannels) expect(c.os).toBe("win32");
    for (const c of darwinChannels) expect(c.os).toBe("darwin");
  });

  test("every Windows and macOS row names what blocks it and what closes it", () => {
    for (const c of [...windowsChannels, ...darwinChannels]) {
      expect({ id: c.id, blockedBy: Object.keys(c.blockedBy).length > 0, closeWith: c.closeWith.length > 10 }).toEqual({ id: c.id, blockedBy: true, closeWith: true });
    }
  });

  test("what blocks a row is a registry mechanism of that row's OS (or a portable one)", () => {
    const fits: Record<string, readonly string[]> = { linux: ["linux", "unix", "any"], darwin: ["darwin", "unix", "any"], win32: ["win32", "any"] };
    const misfits = all.flatMap((c) =>
      Object.entries(c.blockedBy).flatMap(([key, b]) => b.mechanisms.filter((m) => !fits[c.os]!.includes(MECHANISMS[m].os)).map((m) => `${c.id} ${key}: ${m} (${MECHANISMS[m].os})`)),
    );
    expect(misfits).toEqual([]);
    expect(all.flatMap((c) => Object.values(c.blockedBy)).every((b) => b.mechanisms.length > 0 && b.how.length > 0)).toBe(true);
  });

  test("services the macOS rows call closed are in no generated Seatbelt profile", () => {
    const dir = join(import.meta.dir, "..", "fixtures", "seatbelt");
    const profiles = readdirSync(dir).filter((f) => f.endsWith(".sb")).map((f) => readFileSync(join(dir, f), "utf8"));
    expect(profiles.length).toBeGreaterThan(0);
    for (const service of ["com.apple.pasteboard", "com.apple.SecurityServer", "com.apple.distributed_notifications", "com.apple.cfprefsd"]) {
      for (const p of profiles) expect({ service, present: p.includes(service) }).toEqual({ service, present: false });
    }
    for (const p of profiles) {
      expect(p).toContain("(deny default)");
      expect(p).not.toMatch(/\(allow (appleevent-send|iokit-open|ipc-posix-shm|ipc-sysv)/);
    }
  });
});
