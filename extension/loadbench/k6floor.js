// The floor under k6, for the load benchmark: the bare Go reader (k6/x/loadbench-floor, built
// into a separate k6 by make bench) run once per iteration, read() looked up once per VU as
// scripts/load.js does with probeSync.
import floor from "k6/x/loadbench-floor";

export const options = { scenarios: { load: { executor: "constant-vus", vus: Number(__ENV.LOAD_VUS || 100), duration: __ENV.LOAD_DURATION || "10s" } } };

const read = floor.read;
const base = __ENV.OPENAI_BASE_URL;

export default function () {
  read(base);
}

export function handleSummary(data) {
  return { [__ENV.LOAD_SUMMARY_JSON]: JSON.stringify(data) };
}
