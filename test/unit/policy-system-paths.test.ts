// The documented system read set keeps its promises: /dev file by file,
// /etc never as a tree, /proc and /sys left to the backend.
import { describe, expect, test } from "bun:test";
import { systemPaths, type SystemOs } from "../../lib/policy/system-paths.ts";

const unixes: SystemOs[] = ["linux", "darwin", "freebsd", "openbsd"];

describe("system read set", () => {
  for (const os of unixes) {
    const set = systemPaths(os);
    const all = [...set.read, ...set.write];
    test(`${os}: absolute paths only`, () => expect(all.filter((p) => !p.startsWith("/"))).toEqual([]));
    test(`${os}: /dev only as single devices, never the tree`, () => {
      expect(all).not.toContain("/dev");
      expect(all.filter((p) => p.startsWith("/dev/") && p.split("/").length !== 3)).toEqual([]);
    });
    test(`${os}: /etc is not granted as a tree`, () => {
      expect(all).not.toContain("/etc");
      expect(all).not.toContain("/private/etc");
    });
    test(`${os}: no /proc, /sys, /home, /root, /tmp`, () => {
      expect(all.filter((p) => /^\/(proc|sys|home|root|tmp)(\/|$)/.test(p))).toEqual([]);
    });
    test(`${os}: TLS trust stores only: no /etc/ssl or /etc/pki tree, nothing of a private/ key directory`, () => {
      expect(all.filter((p) => /^(\/private)?\/etc\/(ssl|pki|pki\/tls)$/.test(p))).toEqual([]);
      expect(all.filter((p) => /\/private(\/|$)/.test(p.replace(/^\/private\//, "/")))).toEqual([]);
      expect(all.filter((p) => p.includes("nssdb"))).toEqual([]);
    });
    test(`${os}: writable entries are devices only`, () => expect(set.write.filter((p) => !p.startsWith("/dev/"))).toEqual([]));
  }
  test("linux: the loader's places and /dev/null are in", () => {
    const set = systemPaths("linux");
    expect(set.read).toEqual(expect.arrayContaining(["/usr", "/lib", "/etc/ld.so.cache", "/dev/urandom"]));
    expect(set.write).toContain("/dev/null");
  });
});
