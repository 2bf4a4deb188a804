// For the dependency-fault test: a report that cannot be written (a full disk) beside one that can.
import chatgpt from "k6/x/chatgpt";

const target = chatgpt.target({ components: ["models"] });

export const options = { iterations: 2 };

export default async function () {
  await target.probe("models");
}

export function handleSummary(data) {
  return chatgpt.report(data, { markdown: "/dev/full", json: __ENV.REPORT_JSON });
}
