// The Linux library: typed symbols and small helpers over them.
import { commonSymbols } from "./symbols/common.ts";
import { linuxSymbols } from "./symbols/linux.ts";
import { openLibrary, type Symbols } from "./library.ts";
import { check } from "./status.ts";
import { fdArg } from "./common.ts";
import { UAPI_AARCH64, UAPI_SHARED, UAPI_X86_64 } from "./generated/linux-tables.ts";

export const linuxTable = { ...commonSymbols, ...linuxSymbols };

/** The kernel constants of the architecture this process runs on (generated from the uapi headers), and those every arch shares. */
export const UAPI = { ...UAPI_SHARED, ...(process.arch === "arm64" ? UAPI_AARCH64 : UAPI_X86_64) } as const;

/** The opened Linux library's symbols. */
export function linux(): Symbols<typeof linuxTable> {
  if (process.platform !== "linux") throw new Error(`the Linux backend cannot load on ${process.platform}`);
  return openLibrary().symbols as Symbols<typeof linuxTable>;
}

/** close(2) through the library; throws OsError (EBADF, ...), or InvalidArgumentError for a number that is no fd. */
export function closeFd(fd: number): void {
  check("close", "errno", linux().cordon_linux_close(fdArg(fd)));
}

/** The kernel's landlock ABI, or 0 when landlock is absent or disabled. */
export function landlockAbiVersion(): number {
  const v = linux().cordon_linux_landlock_abi_version();
  return v > 0 ? v : 0;
}
