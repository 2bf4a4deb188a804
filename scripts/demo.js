// xk6-chatgpt demo: two minutes that walk an outage from start to end against an in-process
// simulator — healthy, then chat streams 3x slower, then chat half failing, then everything
// down behind Cloudflare, then recovery — with the detector's verdict printed as it changes.
//
// Run: ./k6 run scripts/demo.js   (no key, no network: the simulator plays
// scripts/scenarios/demo.yaml at 20x, so 40 scenario minutes take two real minutes; latencies
// are not compressed). The log lines "xk6-chatgpt: openai/chat ... -> ..." are the detector's
// state changes; the run ends with the incidents it recorded, and writes the reports to
// reports/demo/ (CHATGPT_REPORT_DIR to choose): open reports/demo/report.html.
import chatgpt from "k6/x/chatgpt";

const speed = Number(__ENV.DEMO_SPEED || 20);
const url = chatgpt.simulator({ scenario: "scenarios/demo.yaml", speed });
const target = chatgpt.target({ baseURL: url, apiKey: "sk-demo", components: ["chat", "chat_stream", "models"] });

export const options = {
  scenarios: {
    demo: {
      executor: "constant-arrival-rate",
      rate: 1,
      timeUnit: `${Math.round((15 / speed) * 1000)}ms`, // one probe round per 15 scenario seconds
      duration: `${Math.round((40 * 60) / speed)}s`,
      preAllocatedVUs: 4,
      maxVUs: 20,
    },
  },
  // The demo shows an outage on purpose: no threshold fails it.
  thresholds: { chatgpt_state: ["value<=3"] },
};

let last = "";

export default async function () {
  await target.probeAll();
  const s = chatgpt.state();
  const key = `${s.overall} ${s.down} ${s.degraded}`; // print when the picture changes, not the figures
  if (key !== last) {
    last = key;
    console.log(`verdict: ${s.verdict}`);
  }
}

export function handleSummary(data) {
  const dir = __ENV.CHATGPT_REPORT_DIR || "reports/demo";
  return chatgpt.report(data, {
    markdown: `${dir}/report.md`,
    junit: `${dir}/junit.xml`,
    json: `${dir}/report.json`,
    html: `${dir}/report.html`,
    badges: `${dir}/badges`,
  });
}

export function teardown() {
  const s = chatgpt.state();
  console.log(`final verdict: ${s.verdict}`);
  for (const i of s.incidents) {
    const ttd = (new Date(i.detected_at) - new Date(i.started_at)) / 1000;
    const end = i.resolved_at ? `resolved ${i.resolved_at}` : "still open";
    console.log(`incident ${i.id}: worst ${i.worst}, started ${i.started_at}, detected after ${ttd}s, ${end}, classes ${JSON.stringify(i.classes)}`);
  }
}
