// landlock on the host model: the kernel's ABI read once; the test and debug
// cap (CORDON_LANDLOCK_ABI_CAP) applied on each use, so a caller that sets it
// later is still heard.
import { ABI_CAP_VARIABLE, landlockAbiCap, landlockFeatures, type LandlockHostFeatures } from "../../backend/linux/landlock.ts";
import type { LinuxHostModel } from "./types.ts";

export function probeLandlock(): LinuxHostModel["landlock"] {
  const kernel = landlockFeatures({}); // no cap: the kernel's own answer
  return kernel.unavailable === undefined ? { kernelAbi: kernel.kernelAbi } : { kernelAbi: 0, unavailable: kernel.unavailable };
}

/** The ABI to plan for: the kernel's, lowered to the cap when one is set (landlockFeatures' shape, without a second syscall). */
export function landlockOf(host: Pick<LinuxHostModel, "landlock">, env?: Readonly<Record<string, string | undefined>>): LandlockHostFeatures {
  const kernelAbi = host.landlock.kernelAbi;
  const cap = landlockAbiCap(env);
  const abi = cap === undefined ? kernelAbi : Math.min(kernelAbi, cap);
  const unavailable = kernelAbi === 0 ? host.landlock.unavailable : abi === 0 ? `${ABI_CAP_VARIABLE}=${cap}` : undefined;
  return { abi, kernelAbi, ...(cap === undefined ? {} : { cap }), ...(unavailable === undefined ? {} : { unavailable }) };
}
