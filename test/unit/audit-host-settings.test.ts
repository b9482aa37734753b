// Host settings (lib/probe/kernel-settings.ts) judged from given values, for
// hosts unlike this one: hardened, weak, and kernels without the knob.
import { describe, expect, test } from "bun:test";
import { hostSettings, settingDefs } from "../../lib/probe/kernel-settings.ts";

const fake = (values: Record<string, string>) => (path: string) => values[path] ?? null;
const row = (rows: ReturnType<typeof hostSettings>, setting: string) => rows.find((r) => r.setting === setting)!;

describe("host settings", () => {
  test("every row says what it means and what cordon does", () => {
    for (const r of hostSettings(fake({}))) {
      expect(r.meaning.length).toBeGreaterThan(10);
      expect(r.cordon.length).toBeGreaterThan(5);
      expect(r.recommended.length).toBeGreaterThan(0);
    }
    expect(new Set(settingDefs.map((d) => d.setting)).size).toBe(settingDefs.length);
  });

  test("hardened and weak values", () => {
    const rows = hostSettings(
      fake({
        "/proc/sys/dev/tty/legacy_tiocsti": "1\n",
        "/proc/sys/kernel/io_uring_disabled": "2\n",
        "/proc/sys/kernel/kptr_restrict": "0\n",
        "/proc/sys/fs/protected_regular": "2\n",
        "/sys/kernel/security/lockdown": "none [integrity] confidentiality\n",
        "/proc/sys/kernel/keys/maxkeys": "200\n",
      }),
    );
    expect(row(rows, "dev.tty.legacy_tiocsti")).toMatchObject({ value: "1", status: "weak" });
    expect(row(rows, "dev.tty.legacy_tiocsti").cordon).toContain("setsid");
    expect(row(rows, "kernel.io_uring_disabled").status).toBe("hardened");
    expect(row(rows, "kernel.kptr_restrict").status).toBe("weak");
    expect(row(rows, "fs.protected_regular").status).toBe("hardened");
    expect(row(rows, "lockdown")).toMatchObject({ status: "hardened", value: "none [integrity] confidentiality" });
    expect(row(rows, "kernel.keys.maxkeys").status).toBe("info");
  });

  test("a lockdown of none is weak; a missing knob is absent and says what that means", () => {
    const rows = hostSettings(fake({ "/sys/kernel/security/lockdown": "[none] integrity confidentiality" }));
    expect(row(rows, "lockdown").status).toBe("weak");
    const yama = row(rows, "kernel.yama.ptrace_scope");
    expect(yama).toMatchObject({ status: "absent", value: null });
    expect(yama.meaning).toContain("Yama not built");
  });
});
