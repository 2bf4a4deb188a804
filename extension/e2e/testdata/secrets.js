// Secret hygiene: every path a probe's outcome can take — results logged by the script, errors,
// --http-debug dumps, spans, sample metadata and every report format — for the test to grep.
import chatgpt from "k6/x/chatgpt";

const target = chatgpt.target({ components: ["chat", "chat_stream", "models", "canary"], budgetUSD: 0 });

export const options = { iterations: 4, thresholds: { chatgpt_probes: ["count>0"] } };

export default async function () {
  for (const r of await target.probeAll()) {
    console.log(JSON.stringify(r)); // what a careless script prints
  }
  try {
    target.probe("no_such_component");
  } catch (e) {
    console.log(`error: ${e}`);
  }
}

export function handleSummary(data) {
  const dir = __ENV.REPORT_DIR;
  return chatgpt.report(data, {
    markdown: `${dir}/report.md`, junit: `${dir}/junit.xml`, json: `${dir}/report.json`, html: `${dir}/report.html`, badges: `${dir}/badges`,
  });
}
