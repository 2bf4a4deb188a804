// A recipe, not a test: check that ChatGPT's app lets a logged-in user send a message and get
// an answer, with k6's browser module. The bot probe of the front door (component "web") sees
// only a Cloudflare challenge; a browser with your session cookie sees what a user sees.
//
// Run (needs Chromium and an account; respect the site's terms):
//   K6_BROWSER_HEADLESS=true CHATGPT_SESSION_COOKIE='...' ./k6 run examples/browser.js
// The session cookie is a secret: keep it in your CI's secrets, never in the script.
import { browser } from "k6/browser";
import { check } from "k6";

export const options = {
  scenarios: {
    ui: { executor: "shared-iterations", iterations: 1, options: { browser: { type: "chromium" } } },
  },
  thresholds: { checks: ["rate==1"] },
};

const site = __ENV.CHATGPT_WEB_URL || "https://chatgpt.com/";

export default async function () {
  const context = await browser.newContext();
  const cookie = __ENV.CHATGPT_SESSION_COOKIE;
  if (cookie) {
    await context.addCookies([{ name: "__Secure-next-auth.session-token", value: cookie, domain: new URL(site).hostname, path: "/" }]);
  }
  const page = await context.newPage();
  try {
    const started = Date.now();
    await page.goto(site, { waitUntil: "networkidle" });
    const box = page.locator("#prompt-textarea");
    await box.waitFor({ timeout: 30000 });
    await box.fill("Reply with the single word: pong");
    await page.keyboard.press("Enter");
    const answer = page.locator("[data-message-author-role='assistant']").last();
    await answer.waitFor({ timeout: 60000 });
    const text = (await answer.textContent()) || "";
    check(text, { "the app answered": (t) => t.toLowerCase().includes("pong") });
    console.log(`app answered in ${Date.now() - started} ms`);
  } finally {
    await page.close();
    await context.close();
  }
}
