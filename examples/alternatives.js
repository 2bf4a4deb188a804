// Which alternative is up? OpenAI is the primary target, Anthropic an alternative; both are
// probed with the same engine, and the official status page is read alongside. The run ends
// with the detector's verdict, the alternatives ranked, and each incident's detection lead over
// the status page.
//
// Run: ./k6 run examples/alternatives.js
//   ALT_SCENARIO=everything-down   every provider fails: the verdict says no alternative is up
//   BASE_URL=http://127.0.0.1:9/v1 nothing answers: the verdict says the problem is yours
// The simulator plays the scenario at SPEED (default 20: 15 scenario seconds per 0.75 s).
import chatgpt from "k6/x/chatgpt";

const speed = Number(__ENV.SPEED || 20);
const scenario = __ENV.ALT_SCENARIO || "openai-down-anthropic-up";
const url = chatgpt.simulator({ scenario: `../scripts/scenarios/${scenario}.yaml`, speed });
const base = __ENV.BASE_URL || url;
const statusURL = url.replace(/\/v1$/, "") + "/api/v2/summary.json";

const openai = chatgpt.target({
  baseURL: base,
  apiKey: "sk-rehearsal",
  components: __ENV.BASE_URL ? ["chat", "chat_stream"] : ["chat", "chat_stream", "status"],
  statusURL,
  statusInterval: `${60 / speed}s`, // the page every scenario minute
});
const anthropic = chatgpt.target({
  provider: "anthropic",
  alternative: true,
  baseURL: base,
  apiKey: "sk-ant-rehearsal",
  components: ["chat_stream"],
});

export const options = {
  scenarios: {
    monitor: {
      executor: "constant-arrival-rate",
      rate: 1,
      timeUnit: `${Math.round((15 / speed) * 1000)}ms`, // a round per 15 scenario seconds
      duration: __ENV.DURATION || "20s",
      preAllocatedVUs: 4,
      maxVUs: 20,
    },
  },
  thresholds: { chatgpt_state: ["value<=3"] }, // a rehearsal of an outage: nothing to fail
};

export default async function () {
  await Promise.all([openai.probeAll(), anthropic.probeAll()]);
}

export function teardown() {
  const s = chatgpt.state();
  console.log(`xk6-chatgpt verdict: ${s.verdict}`);
  for (const a of s.alternatives) {
    console.log(`alternative ${a.target}: ${a.up ? "up" : "down"}, ${a.state}, TTFT ${Math.round(a.ttft_ms)} ms`);
  }
  for (const i of s.incidents) {
    const lead = i.detection_lead_s === undefined ? "not acknowledged by the status page"
      : `${i.detection_lead_s.toFixed(1)} s ahead of the status page ("${i.official_incident}")`;
    console.log(`incident ${i.id}: ${i.worst}, detected ${i.detected_at}, ${lead}`);
  }
}
