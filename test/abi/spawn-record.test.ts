// struct cordon_linux_spawn_spec is written by ffi/linux-spawn.ts at the
// offsets `zig build gen` takes from the header (ffi/generated/linux-layouts.ts)
// and read by zig/src/linux/spawn_spec.zig as the header's own struct
// (translate-c): the encoder must write where the header says, the size the
// header's comment states, and the step numbers must be the header's.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeSpawnRecord, SPAWN_FLAGS, SPAWN_STEPS, SPEC_SIZE } from "../../ffi/linux-spawn.ts";
import { encodeWarmRequest } from "../../ffi/linux-warm.ts";
import { cordon_linux_spawn_spec, cordon_linux_warm_request } from "../../ffi/generated/linux-layouts.ts";

const root = join(import.meta.dir, "..", "..");
const header = readFileSync(join(root, "ffi", "include", "cordon_linux_spawn.h"), "utf8");
const zigSpec = readFileSync(join(root, "zig", "src", "linux", "spawn_spec.zig"), "utf8");

describe("the Linux spawn record", () => {
  const offsets = new Map(Object.entries(cordon_linux_spawn_spec.offset));
  const size = cordon_linux_spawn_spec.size;

  test("its size is the same in the header's comment, the generated layout and SPEC_SIZE, Zig's Spec is the header's struct; main's fields keep their offsets, netns_off follows out_errno and netns_fd warm_fd, the size a multiple of 8", () => {
    expect(size).toBe(SPEC_SIZE);
    expect(header).toContain(`sizeof(struct cordon_linux_spawn_spec) = ${SPEC_SIZE} */`);
    expect(zigSpec).toMatch(/pub const Spec = cordon_h\.struct_cordon_linux_spawn_spec;/);
    const at = (n: string) => offsets.get(n);
    expect([at("root_access"), at("init_status_fd"), at("notify_sock"), at("out_pid"), at("out_pidfd"), at("out_step"), at("out_errno"), at("netns_off"), at("warm_fd")]).toEqual([132, 136, 140, 144, 148, 152, 156, 160, 164]);
    expect([at("netns_fd"), at("reserved"), size]).toEqual([168, 172, 176]);
  });

  test("the encoder writes netns_fd where the header puts it, -1 when absent, and the reserved word after it stays 0", () => {
    const base = {
      path: "/bin/true", argv: ["true"], envp: [], pdeathSignal: 0, cgroupFd: -1, landlockFd: -1, landlockFlags: 0,
      fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0,
    } as const;
    const without = encodeSpawnRecord({ ...base, flags: 0, cloneFlags: 0 });
    const joined = encodeSpawnRecord({ ...base, flags: SPAWN_FLAGS.JOIN_NETNS, cloneFlags: 0, netnsFd: 21 });
    const read = (r: Uint8Array, field: string) => new DataView(r.buffer, r.byteOffset).getInt32(offsets.get(field)!, true);
    expect([read(without, "netns_fd"), read(without, "reserved")]).toEqual([-1, 0]);
    expect([read(joined, "netns_fd"), read(joined, "reserved")]).toEqual([21, 0]);
    expect(SPAWN_FLAGS.JOIN_NETNS as number).toBe(1 << 12);
  });

  test("the encoder writes init_status_fd, notify_sock, netns_off and warm_fd where the header puts them (warm_fd 0 when absent)", () => {
    const rec = encodeSpawnRecord({
      path: "/bin/true", argv: ["true"], envp: [], flags: 0, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1, landlockFd: -1, landlockFlags: 0,
      fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0, initStatusFd: 7, notifySock: 9,
      netns: { channel: 11, addresses: [], sockets: [{ family: 4, kind: "stream", port: 80 }] },
    });
    const v = new DataView(rec.buffer, rec.byteOffset);
    expect(v.getUint32(0, true)).toBe(SPEC_SIZE);
    expect(v.getInt32(offsets.get("init_status_fd")!, true)).toBe(7);
    expect(v.getInt32(offsets.get("notify_sock")!, true)).toBe(9);
    const netns = v.getUint32(offsets.get("netns_off")!, true);
    expect(netns).toBeGreaterThanOrEqual(SPEC_SIZE);
    expect(v.getInt32(netns, true)).toBe(11); // cordon_linux_netns_setup.channel
    expect(v.getUint32(offsets.get("warm_fd")!, true)).toBe(0);
    const warm = encodeSpawnRecord({
      path: "/", argv: ["cordon-init"], envp: [], flags: SPAWN_FLAGS.WARM, pdeathSignal: 0, cloneFlags: 0, cgroupFd: -1, landlockFd: -1, landlockFlags: 0,
      fds: [], procsFds: [], rlimits: [], uid: 0, gid: 0, warmFd: 13,
    });
    expect(new DataView(warm.buffer, warm.byteOffset).getInt32(offsets.get("warm_fd")!, true)).toBe(13);
  });

  test("a warm request is written as struct cordon_linux_warm_request says: header, targets, then path, argv, envp and cwd, NUL-terminated", () => {
    const r = encodeWarmRequest({ path: "/bin/echo", argv: ["echo", "hi"], envp: ["A=1"], cwd: "/tmp", targets: [0, 1, 2, 5] })!;
    const v = new DataView(r.buffer);
    const R = cordon_linux_warm_request;
    expect([v.getUint32(R.offset.size, true), v.getUint32(R.offset.argc, true), v.getUint32(R.offset.envc, true), v.getUint32(R.offset.fds_count, true), v.getUint32(R.offset.flags, true)]).toEqual([r.length, 2, 1, 4, 1]);
    expect(v.getInt32(R.size + 12, true)).toBe(5);
    expect(new TextDecoder().decode(r.subarray(R.size + 16))).toBe("/bin/echo\0echo\0hi\0A=1\0/tmp\0");
    // Past cordon-init's bounds: no request (the spawn goes one-shot or fails typed).
    expect(encodeWarmRequest({ path: "/x", argv: ["x".repeat(2 ** 20)], envp: [], targets: [0, 1, 2] })).toBeUndefined();
  });

  test("step numbers agree between the header, Zig's Step enum and the TypeScript names, none used twice", () => {
    const steps = [...header.matchAll(/#define CORDON_SPAWN_STEP_(\w+)\s+(\d+)/g)].map((m) => [m[1]!.toLowerCase(), Number(m[2])] as const);
    const numbers = steps.map(([, n]) => n);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.sort((a, b) => a - b)).toEqual(Object.keys(SPAWN_STEPS).map(Number).sort((a, b) => a - b));
    const zigSteps = /pub const Step = enum\(u32\) \{([^]*?)\n\};/.exec(zigSpec)![1]!;
    // Zig's steps are the header's constants, every one of them.
    const zigNames = [...zigSteps.matchAll(/^\s*\w+ = cordon_h\.CORDON_SPAWN_STEP_(\w+),/gm)].map((m) => m[1]!.toLowerCase());
    expect(zigNames.sort()).toEqual(steps.map(([name]) => name).sort());
    for (const [name, n] of [["notify", 25], ["netns", 26], ["join_netns", 27]] as const) expect(steps).toContainEqual([name, n]);
  });
});
