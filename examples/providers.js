// Every component of every provider dialect, probed once each round against the embedded
// simulator (no key, no network): OpenAI (all ten components), Azure OpenAI (api-key header,
// deployments, api-version), Anthropic (Messages API and its events) and Gemini's
// OpenAI-compatible endpoint. Thresholds per component fail the run if any of them fails.
//
// Run: ./k6 run examples/providers.js
// Against real APIs, set the keys (OPENAI_API_KEY, AZURE_OPENAI_API_KEY with
// AZURE_OPENAI_ENDPOINT, ANTHROPIC_API_KEY, GEMINI_API_KEY); images cost money, so they are
// probed only when PROBE_IMAGES=1 or on the simulator.
import { check } from "k6";
import chatgpt from "k6/x/chatgpt";

const openai = chatgpt.target({
  components: ["chat", "chat_stream", "responses", "models", "embeddings", "moderations", "web", "status", "canary"],
});
const azure = chatgpt.target({
  provider: "azure",
  model: "gpt-4o-mini", // the deployment name
  apiVersion: "2024-10-21",
  components: ["chat", "chat_stream", "embeddings", "canary"],
});
const anthropic = chatgpt.target({ provider: "anthropic", components: ["chat", "chat_stream", "models", "canary"] });
const gemini = chatgpt.target({ provider: "gemini", components: ["chat", "chat_stream", "models", "embeddings"] });
const images = chatgpt.target({ components: ["images"] }); // costs about $0.005 a probe on the real API

const targets = [openai, azure, anthropic, gemini];
if (openai.simulated || __ENV.PROBE_IMAGES === "1") targets.push(images);

export const options = {
  iterations: Number(__ENV.ROUNDS || 2),
  vus: 1,
  thresholds: Object.fromEntries(
    ["chat", "chat_stream", "responses", "models", "embeddings", "moderations", "images", "web", "status", "canary"].map(
      (c) => [`chatgpt_available{component:${c}}`, ["rate==1"]],
    ),
  ),
};

export default async function () {
  // One VU probes every target's components concurrently: probeAll never blocks the event loop.
  const rounds = await Promise.all(targets.map((t) => t.probeAll()));
  for (const r of rounds.flat()) {
    check(r, { [`${r.provider} ${r.component} ok`]: (r) => r.ok });
    if (!r.ok) console.warn(`${r.provider}/${r.component}: ${r.class} ${r.message}`);
  }
}
