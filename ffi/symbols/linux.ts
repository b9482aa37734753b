import { defineSymbols } from "./define.ts";
import { linuxExplainSymbols } from "./linux-explain.ts";
import { linuxHostSymbols } from "./linux-host.ts";
import { linuxLandlockSymbols } from "./linux-landlock.ts";
import { linuxNetnsPoolSymbols } from "./linux-netns-pool.ts";
import { linuxRelaySymbols } from "./linux-relay.ts";
import { linuxSpawnSymbols } from "./linux-spawn.ts";

/** Linux exports (cordon_linux*.h), one table per mechanism header. */
export const linuxSymbols = defineSymbols({
  cordon_linux_close: { args: ["i32"], returns: "i32", domain: "errno" },
  ...linuxLandlockSymbols,
  ...linuxSpawnSymbols,
  ...linuxRelaySymbols,
  ...linuxNetnsPoolSymbols,
  ...linuxExplainSymbols,
  ...linuxHostSymbols,
});
