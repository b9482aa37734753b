// cordon_linux_netns_pool.h: fill and take name a kind (PLAIN or LOOPBACK_UP);
// any other number is refused by the library (CORDON_E_INVALID_ARGUMENT, the
// pool unchanged), and by the binding before it (a typed error). Nothing here
// makes a namespace: no fill asks for more than 0.
import { expect, test } from "bun:test";
import { InvalidArgumentError } from "../../ffi/errors.ts";
import { ERRNO } from "../../ffi/generated/linux-tables.ts";
import { CORDON_E } from "../../ffi/status.ts";
import { describeUnless, notLinux } from "../helpers/skip.ts";

const linuxOnly = process.platform === "linux";
const ffi = linuxOnly ? await import("../../ffi/linux-netns-pool.ts") : undefined;
const native = linuxOnly ? (await import("../../ffi/linux.ts")).linux : undefined;
const EAGAIN = ERRNO.AGAIN;

describeUnless(notLinux, "the network namespace pool's kinds", () => {
  test("the library refuses a kind it does not know, in fill and in take (CORDON_E_INVALID_ARGUMENT); each known kind answers (none held: -EAGAIN)", () => {
    const lib = native!();
    for (const kind of [2, 3, 0x7fff_ffff, 0xffff_ffff]) {
      expect({ kind, fill: lib.cordon_linux_netns_pool_fill(kind, 0) }).toEqual({ kind, fill: CORDON_E.INVALID_ARGUMENT });
      expect({ kind, take: lib.cordon_linux_netns_pool_take(kind) }).toEqual({ kind, take: CORDON_E.INVALID_ARGUMENT });
    }
    const { plain, loopbackUp } = ffi!.NETNS_KIND;
    expect([plain, loopbackUp]).toEqual([0, 1]);
    for (const kind of [plain, loopbackUp]) {
      expect(lib.cordon_linux_netns_pool_fill(kind, 0)).toBe(0);
      expect(lib.cordon_linux_netns_pool_take(kind)).toBe(-EAGAIN);
    }
    expect(lib.cordon_linux_netns_pool_drain()).toBe(0);
  });

  test("the binding refuses a bad kind or target with a typed error before the library; the named kinds pass", () => {
    for (const kind of ["tcp", "PLAIN", "toString", "__proto__", 0, 1, undefined, null]) {
      expect(() => ffi!.netnsPoolTake(kind as never)).toThrow(InvalidArgumentError);
      expect(() => ffi!.netnsPoolFill(kind as never, 0)).toThrow(InvalidArgumentError);
    }
    for (const target of [-1, ffi!.NETNS_POOL_MAX + 1, 1.5, Number.NaN]) expect(() => ffi!.netnsPoolFill("plain", target)).toThrow(InvalidArgumentError);
    expect(ffi!.netnsPoolFill("loopbackUp", 0)).toBe(0);
    expect(ffi!.netnsPoolTake("loopbackUp")).toBe(-EAGAIN);
    expect(ffi!.netnsPoolTake("plain")).toBe(-EAGAIN);
    ffi!.netnsPoolDrain();
  });
});
