/* The Linux uapi headers cordon takes kernel constants from (as Zig ships them,
 * per architecture); build.zig translates this file into the module `linux_uapi`
 * (zig/src/linux/uapi.zig) and `zig build gen` into ffi/generated/linux-tables.ts. */
#include <asm/errno.h>
#include <asm/mman.h>
#include <asm/signal.h>
#include <linux/fcntl.h>
#include <linux/eventfd.h>
#include <linux/eventpoll.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <linux/socket.h>
#include <linux/wait.h>
#include <linux/prctl.h>
#include <linux/close_range.h>
#include <linux/in.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/stat.h>
#include <asm/ioctls.h>
#include <asm/siginfo.h>
