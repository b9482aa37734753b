// Guarantee ids only the Windows plan reports, with what each means. Every
// other id the Windows plan uses means what it means on Linux, macOS and
// FreeBSD (fs.read-confined, net.none, tree.kill, limits.memory...);
// test/unit/windows-guarantees.test.ts checks that the two sets cover every
// id the plan can report.

export const windowsOnlyGuarantees: Readonly<Record<string, string>> = {
  "tree.exit": "the run ends when the last process of the tree is gone (the job's ACTIVE_PROCESS_ZERO), not when the first exits",
  "handles.listed-only": "the command inherits its three stdio handles and nothing else of cordon's process",
  "proc.mitigations": "process mitigation policies are fixed at creation and cannot be loosened by the command",
  "proc.no-children": "the command cannot create any process",
  "ui.confined": "no clipboard, desktop switch, global atoms, system parameters, display settings, log-off, or USER handles of processes outside the job",
  "identity.account": "the tree runs as a dedicated local account created and removed for it",
  "limits.cpuRate": "the whole tree gets at most the given share of all CPUs",
};
