// Feeds every panel of the Grafana dashboards with data: an OpenAI outage the status page
// acknowledges late, Anthropic as the alternative that stays up, and a target whose network is
// broken (a local problem). Send it to Prometheus with k6's remote-write output:
//
//   K6_PROMETHEUS_RW_SERVER_URL=http://127.0.0.1:9090/api/v1/write K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true \
//     ./k6 run -o experimental-prometheus-rw --tag location=laptop examples/dashboards.js
import chatgpt from "k6/x/chatgpt";

const speed = Number(__ENV.SPEED || 20);
const url = chatgpt.simulator({ scenario: "../scripts/scenarios/openai-down-anthropic-up.yaml", speed });

const openai = chatgpt.target({
  baseURL: url,
  apiKey: "sk-dashboards",
  components: ["chat", "chat_stream", "models", "status"],
  statusURL: url.replace(/\/v1$/, "") + "/api/v2/summary.json",
  statusInterval: `${60 / speed}s`,
});
const anthropic = chatgpt.target({ provider: "anthropic", alternative: true, baseURL: url, apiKey: "sk-ant-dashboards", components: ["chat_stream"] });
// A gateway nobody listens on: connection errors, blamed on our network.
const gateway = chatgpt.target({ provider: "compatible", name: "gateway", baseURL: __ENV.DEAD_URL || "http://127.0.0.1:9/v1", apiKey: "x", components: ["chat"] });

export const options = {
  scenarios: {
    monitor: {
      executor: "constant-arrival-rate",
      rate: 1,
      timeUnit: `${Math.round((15 / speed) * 1000)}ms`,
      duration: __ENV.DURATION || "20s",
      preAllocatedVUs: 4,
      maxVUs: 20,
    },
  },
  thresholds: { chatgpt_state: ["value<=3"] },
};

export default async function () {
  await Promise.all([openai.probeAll(), anthropic.probeAll(), gateway.probeAll()]);
}
