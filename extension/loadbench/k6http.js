// The common k6 way, for the load benchmark's comparison: k6's own http.post, the SSE body
// parsed in JS once the response is complete (k6's http module does not stream), one request
// per iteration. Same k6 binary as the extension's runs.
import http from "k6/http";

const body = JSON.stringify({
  model: "gpt-4o-mini",
  stream: true,
  max_tokens: 64,
  messages: [{ role: "user", content: "Count the words: word0 word1 word2. Reply with the count." }],
});

export const options = { scenarios: { load: { executor: "constant-vus", vus: Number(__ENV.LOAD_VUS || 100), duration: __ENV.LOAD_DURATION || "10s" } } };

export default function () {
  const res = http.post(`${__ENV.OPENAI_BASE_URL}/chat/completions`, body, {
    headers: { "Content-Type": "application/json", Authorization: "Bearer x" },
    timeout: "60s",
  });
  let tokens = 0;
  for (const line of String(res.body).split("\n")) {
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const chunk = JSON.parse(line.slice(6));
    const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
    if (delta && delta.content) tokens++;
  }
  if (tokens === 0) throw new Error("no tokens");
}

export function handleSummary(data) {
  return { [__ENV.LOAD_SUMMARY_JSON]: JSON.stringify(data) };
}
