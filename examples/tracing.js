// One OpenTelemetry span per probe, in the GenAI semantic conventions, exported through k6's own
// tracer provider. Half of the chat probes fail (scenarios/traces.yaml), so some spans carry
// status Error with the failure class.
//
// Run: ./k6 run --traces-output=otel=http://127.0.0.1:4318/v1/traces examples/tracing.js
// (any OTLP endpoint: Tempo, Jaeger, an OpenTelemetry Collector). Add --out json=probes.json to
// find each sample's trace_id in its metadata.
import chatgpt from "k6/x/chatgpt";

const url = chatgpt.simulator({ scenario: "../scripts/scenarios/traces.yaml" });
const target = chatgpt.target({ baseURL: url, apiKey: "sk-trace-test", components: ["chat", "chat_stream", "models"] });

export const options = {
  scenarios: {
    probes: {
      executor: "constant-arrival-rate",
      rate: Number(__ENV.RATE || 4),
      timeUnit: "1s",
      duration: __ENV.DURATION || "3s",
      preAllocatedVUs: 4,
      maxVUs: 20,
    },
  },
  thresholds: { "chatgpt_available{component:chat_stream}": ["rate==1"] },
};

export default async function () {
  await target.probeAll();
}
