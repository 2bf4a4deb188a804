// Soak: the demo scenario (healthy, slow-down, partial and full outage, recovery, looping) at
// 200 concurrent probes for SOAK_DURATION (default 30m), to watch memory and goroutines stay
// flat: `make soak` samples the k6 process and judges it. It runs with --summary-mode=disabled
// --no-thresholds: k6 keeps every trend value for those, which at this rate is what would grow.
import chatgpt from "k6/x/chatgpt";

const url = chatgpt.simulator({ scenario: "scenarios/demo.yaml", speed: Number(__ENV.DEMO_SPEED || 20) });
const target = chatgpt.target({ baseURL: url, apiKey: "sk-soak", components: ["chat", "chat_stream", "models"], budgetUSD: 0 });
const components = ["chat", "chat_stream", "models"];

export const options = {
  scenarios: { soak: { executor: "constant-vus", vus: Number(__ENV.SOAK_VUS || 200), duration: __ENV.SOAK_DURATION || "30m" } },
  thresholds: { chatgpt_state: ["value<=3"] }, // outages are the scenario's point
};

export default function () {
  target.probeSync(components[(__VU + __ITER) % components.length]);
}
