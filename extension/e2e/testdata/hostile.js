// The hostile-server suite (extension/e2e/hostile_test.go): one target per misbehaving server,
// all probed at once, each with the short deadlines its case gives. Results are logged for the
// test to judge; markers tell it when to take the starting goroutine count (READY) and when the
// probes are over (DONE). Every output the run writes is then searched for the canary keys.
import chatgpt from "k6/x/chatgpt";
import { sleep } from "k6";

const cases = JSON.parse(open(__ENV.HOSTILE_CASES));

function target(c) {
  const opts = {
    name: c.name, provider: c.provider, baseURL: c.baseURL, apiKey: c.key, components: [c.component],
    timeouts: c.timeouts, confirmations: 0, budgetUSD: 0, state: __ENV.HOSTILE_STATE,
  };
  if (c.provider !== "anthropic") opts.model = "gpt-4o-mini";
  if (c.statusURL) opts.statusURL = c.statusURL;
  return chatgpt.target(opts);
}

// The detector's clock at 100x (a sped-up simulator sets it), so the outage below pages after
// 0.35 s of failures instead of the 35 s that tell an outage from a blip.
chatgpt.simulator({ speed: 100 });
const targets = cases.map(target);
// A server that is down with the keys in its 500s, probed until the detector opens an incident:
// the webhook then has something to say.
const outage = target({ name: "outage", provider: "compatible", baseURL: __ENV.HOSTILE_OUTAGE, key: cases[0].key,
  component: "chat", timeouts: cases[0].timeouts });

export const options = {
  scenarios: { hostile: { executor: "shared-iterations", vus: 1, iterations: 1, maxDuration: "90s" } },
};

export default async function () {
  console.log("HOSTILE-READY");
  sleep(1); // the test reads the starting goroutine count
  const outcomes = await Promise.all(targets.map(async (t, i) => {
    const start = Date.now();
    const r = await t.probe(cases[i].component);
    console.log(JSON.stringify(r)); // what a careless script prints
    return { name: cases[i].name, wallMs: Date.now() - start, result: r };
  }));
  for (let i = 0; i < 24; i++) {
    outage.probeSync("chat");
    sleep(0.05);
  }
  for (const o of outcomes) {
    console.log("HOSTILE-RESULT " + JSON.stringify(o));
  }
  console.log("HOSTILE-DONE");
  sleep(Number(__ENV.HOSTILE_LINGER)); // the test closes the servers' connections and counts goroutines
}

export function handleSummary(data) {
  const dir = __ENV.HOSTILE_REPORTS;
  return chatgpt.report(data, {
    markdown: `${dir}/report.md`, junit: `${dir}/junit.xml`, json: `${dir}/report.json`, html: `${dir}/report.html`, badges: `${dir}/badges`,
  });
}
