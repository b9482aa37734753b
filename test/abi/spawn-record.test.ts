// struct cordon_linux_spawn_spec is written by ffi/linux-spawn.ts and read by
// zig/src/linux/spawn_spec.zig: its size, the offsets the encoder writes and
// the step numbers must be the header's (two branches each adding a field to
// the record must end with one layout, not two).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeSpawnRecord, SPAWN_STEPS, SPEC_SIZE } from "../../ffi/linux-spawn.ts";

const root = join(import.meta.dir, "..", "..");
const header = readFileSync(join(root, "ffi", "include", "cordon_linux_spawn.h"), "utf8");
const zigSpec = readFileSync(join(root, "zig", "src", "linux", "spawn_spec.zig"), "utf8");

/** Field name → byte offset, from the struct's declarations (uint64_t 8-aligned, the rest 4 bytes). */
function layout(): { offsets: Map<string, number>; size: number } {
  const body = /struct cordon_linux_spawn_spec \{([^]*?)\n\};/.exec(header)![1]!.replace(/\/\*[^]*?\*\//g, "");
  const offsets = new Map<string, number>();
  let at = 0;
  for (const decl of body.split(";")) {
    const m = /^\s*(u?int(?:32|64)_t)\s+([\w\s,]+)$/.exec(decl);
    if (!m) continue;
    const width = m[1]!.includes("64") ? 8 : 4;
    for (const name of m[2]!.split(",").map((n) => n.trim())) {
      at = Math.ceil(at / width) * width;
      offsets.set(name, at);
      at += width;
    }
  }
  return { offsets, size: Math.ceil(at / 8) * 8 };
}

describe("the Linux spawn record", () => {
  const { offsets, size } = layout();

  test("its size is the same in the header, Zig's comptime check and SPEC_SIZE; main's fields keep their offsets and netns_off follows out_errno", () => {
    expect(size).toBe(SPEC_SIZE);
    expect(header).toContain(`sizeof(struct cordon_linux_spawn_spec) = ${SPEC_SIZE} */`);
    expect(zigSpec).toContain(`if (@sizeOf(Spec) != ${SPEC_SIZE})`);
    const at = (n: string) => offsets.get(n);
    expect([at("root_access"), at("init_status_fd"), at("notify_sock"), at("out_pid"), at("out_pidfd"), at("out_step"), at("out_errno"), at("netns_off"), at("reserved")]).toEqual([132, 136, 140, 144, 148, 152, 156, 160, 164]);
  });

  test("the encoder writes init_status_fd, notify_sock and netns_off where the header puts them", () => {
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
    expect(v.getUint32(offsets.get("reserved")!, true)).toBe(0);
  });

  test("step numbers agree between the header, Zig's Step enum and the TypeScript names, none used twice", () => {
    const steps = [...header.matchAll(/#define CORDON_SPAWN_STEP_(\w+)\s+(\d+)/g)].map((m) => [m[1]!.toLowerCase(), Number(m[2])] as const);
    const numbers = steps.map(([, n]) => n);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers.sort((a, b) => a - b)).toEqual(Object.keys(SPAWN_STEPS).map(Number).sort((a, b) => a - b));
    const zigSteps = /pub const Step = enum\(u32\) \{([^]*?)\n\};/.exec(zigSpec)![1]!;
    const zigNumbers = [...zigSteps.matchAll(/^\s*\w+ = (\d+),/gm)].map((m) => Number(m[1])).filter((n) => n !== 0);
    expect(zigNumbers.sort((a, b) => a - b)).toEqual(numbers);
    for (const [name, n] of [["notify", 25], ["netns", 26]] as const) expect(steps).toContainEqual([name, n]);
  });
});
