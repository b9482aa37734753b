// Capsicum rights for descriptors handed to a program that runs in
// capability mode. Bits are CORDON_FREEBSD_RIGHT_* (cordon_freebsd.h).

export const RIGHT = { READ: 0x1, WRITE: 0x2, SEEK: 0x4, FSTAT: 0x8, EVENT: 0x10, FCNTL: 0x20, IOCTL: 0x40, MMAP: 0x80 } as const;

export type FdAccess = "read" | "write" | "read-write";

/** The least a program needs to use an inherited descriptor for `access`: no seek, no ioctl, no mmap. */
export function rightsFor(access: FdAccess): number {
  const base = RIGHT.FSTAT | RIGHT.EVENT | RIGHT.FCNTL;
  if (access === "read") return base | RIGHT.READ;
  if (access === "write") return base | RIGHT.WRITE;
  return base | RIGHT.READ | RIGHT.WRITE;
}
