// A canary asks a question of known answer on every round: when the model starts answering
// wrongly ("decreased accuracy in its outputs"), availability stays green and only the canary
// sees it, with class wrong_answer. This rehearsal serves scenarios/wrong-answers.yaml, where
// every canary answer is off by one, so the run fails its canary threshold (exit code 99).
//
// Run: ./k6 run examples/canary.js
import { check } from "k6";
import chatgpt from "k6/x/chatgpt";

const url = chatgpt.simulator({ scenario: "../scripts/scenarios/wrong-answers.yaml" });
const target = chatgpt.target({
  baseURL: url,
  apiKey: "sk-rehearsal",
  components: ["chat_stream", "canary"],
  canary: { question: "What is 17 + 25? Reply with the number only.", answer: "42" },
});

export const options = {
  iterations: 3,
  thresholds: {
    "chatgpt_available{component:chat_stream}": ["rate==1"], // still serving answers…
    "chatgpt_available{component:canary}": ["rate>=0.9"], // …but wrong ones
  },
};

export default async function () {
  for (const r of await target.probeAll()) {
    check(r, { [`${r.component} ok`]: (r) => r.ok });
    if (r.component === "canary") console.log(`canary: ${r.class}, ${r.message || "right answer"} (answered ${JSON.stringify(r.answer)})`);
  }
}
