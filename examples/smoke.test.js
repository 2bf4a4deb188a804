// Smoke test (xk6 lint runs it; so does make test): the module loads, every provider dialect
// answers on the embedded simulator, the detector and the report work. No key, no network:
// simulator: true asks for the simulator, which a run under CI (CI=true) refuses to fall back on.
import { check } from "k6";
import chatgpt from "k6/x/chatgpt";

const openai = chatgpt.target({ simulator: true, components: ["chat", "chat_stream", "models", "canary"] });
const anthropic = chatgpt.target({ simulator: true, provider: "anthropic", components: ["chat_stream"], alternative: true });

export const options = { iterations: 1, thresholds: { checks: ["rate==1"] } };

export default async function () {
  const results = (await Promise.all([openai.probeAll(), anthropic.probeAll()])).flat();
  for (const r of results) {
    check(r, { [`${r.provider} ${r.component} ok`]: (r) => r.ok && r.class === "ok" });
  }
  check(chatgpt.state(), { "detector sees every component": (s) => s.components.length === results.length });
  check(chatgpt.version, { "version set": (v) => typeof v === "string" && v.length > 0 });
}
