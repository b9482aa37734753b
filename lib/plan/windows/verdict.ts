// Why a Windows sandbox's tree ended, from its job's completion-port messages
// (JOB_OBJECT_MSG_*), whether cordon's own timer fired, and whether its poll
// of the job's CPU time ended the tree.

export type WindowsVerdict = "exited" | "timeout" | "memory" | "pids" | "cpu";

const JOB_OBJECT_MSG = {
  END_OF_JOB_TIME: 1,
  END_OF_PROCESS_TIME: 2,
  ACTIVE_PROCESS_LIMIT: 3,
  PROCESS_MEMORY_LIMIT: 9,
  JOB_MEMORY_LIMIT: 10,
} as const;

/** Every limit the tree ran into, in the order first hit; "exited" when none. */
export function windowsVerdicts(messages: readonly { readonly message: number }[], timedOut: boolean, cpuPolled = false): WindowsVerdict[] {
  const out: WindowsVerdict[] = [];
  const add = (v: WindowsVerdict) => {
    if (!out.includes(v)) out.push(v);
  };
  if (timedOut) add("timeout");
  if (cpuPolled) add("cpu");
  for (const { message } of messages) {
    if (message === JOB_OBJECT_MSG.JOB_MEMORY_LIMIT || message === JOB_OBJECT_MSG.PROCESS_MEMORY_LIMIT) add("memory");
    else if (message === JOB_OBJECT_MSG.ACTIVE_PROCESS_LIMIT) add("pids");
    else if (message === JOB_OBJECT_MSG.END_OF_JOB_TIME || message === JOB_OBJECT_MSG.END_OF_PROCESS_TIME) add("cpu");
  }
  return out.length ? out : ["exited"];
}
