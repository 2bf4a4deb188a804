// For the politeness test: a round every 250 ms of three components.
import chatgpt from "k6/x/chatgpt";

const target = chatgpt.target({ components: ["embeddings", "chat_stream", "models"] });

export const options = {
  scenarios: { rounds: { executor: "constant-arrival-rate", rate: 4, timeUnit: "1s", duration: "8s", preAllocatedVUs: 4, maxVUs: 8 } },
  thresholds: { chatgpt_state: ["value<=3"] },
};

export default async function () {
  await target.probeAll();
}
