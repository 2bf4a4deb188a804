// For the trace-parent test: one probe of the model list, its trace id logged.
import chatgpt from "k6/x/chatgpt";

const target = chatgpt.target({ components: ["models"] });

export const options = { iterations: 1 };

export default async function () {
  const r = await target.probe("models");
  console.log(`probe ${r.class} traceId=${r.traceId}`);
}
