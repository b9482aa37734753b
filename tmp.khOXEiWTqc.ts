import { probeHost } from "./ffi/linux-host.ts"; const t=performance.now(); console.log(JSON.stringify(probeHost())); console.log(performance.now()-t);
