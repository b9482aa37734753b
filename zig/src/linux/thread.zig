//! A native thread of Bun's process that Bun's runtime does not know about,
//! on a stack of cordon's own. The kernel clears `alive` when the thread has
//! exited (CLONE_CHILD_CLEARTID), so its stack can be given to the next
//! thread of the same slot: a thread that stops never leaks its stack.
const abi = @import("../abi.zig");
const sys = @import("sys.zig");
const uapi = @import("uapi.zig");
const linux = sys.linux;

pub const stack_size: usize = 128 * 1024;

pub const Slot = struct {
    stack: usize = 0,
    /// The running thread's tid, 0 once it has exited (written by the kernel).
    alive: i32 = 0,

    /// Whether a thread still runs on this slot's stack.
    pub fn busy(s: *const Slot) bool {
        return @atomicLoad(i32, &s.alive, .acquire) != 0;
    }

    /// Starts `func(arg)` on this slot's stack (mapped on first use). The
    /// slot must not be busy. Returns 0 or -errno.
    pub fn start(s: *Slot, func: *const fn (usize) callconv(.c) u8, arg: usize) abi.Status {
        if (s.stack == 0) {
            const mem = linux.syscall6(.mmap, 0, stack_size, 0x3, 0x22 | 0x20000, @bitCast(@as(isize, -1)), 0); // RW, PRIVATE|ANON|STACK
            if (sys.isError(mem)) return sys.status(mem);
            s.stack = mem;
        }
        // All signals blocked on it, so no handler of Bun's ever runs there.
        const all: u64 = ~@as(u64, 0);
        var old: u64 = 0;
        _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&all), @intFromPtr(&old), 8);
        @atomicStore(i32, &s.alive, 1, .release);
        // VM FS FILES SIGHAND THREAD SYSVSEM CHILD_CLEARTID
        const flags: u32 = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x200000;
        const rc = linux.clone(func, s.stack + stack_size, flags, arg, null, 0, &s.alive);
        _ = linux.syscall4(.rt_sigprocmask, uapi.sig_setmask, @intFromPtr(&old), 0, 8);
        if (sys.isError(rc)) {
            @atomicStore(i32, &s.alive, 0, .release);
            return sys.status(rc);
        }
        return 0;
    }

    /// Waits (briefly: the thread was told to stop) until the thread has exited.
    pub fn join(s: *Slot) void {
        while (true) {
            const v = @atomicLoad(i32, &s.alive, .acquire);
            if (v == 0) return;
            // FUTEX_WAIT on the tid word: the kernel wakes it at the thread's exit.
            _ = linux.syscall4(.futex, @intFromPtr(&s.alive), 0, @as(u32, @bitCast(v)), 0);
        }
    }
};
