import { expect, test, type Page } from "./fixtures";

const nonceOf = (csp: string | undefined) => /'nonce-([^']+)'/.exec(csp ?? "")?.[1];

/** Every CSP violation the page reports (across navigations), and every console line about one. */
async function collectViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeBinding("reportCspViolation", (_source, v: string) => void violations.push(v));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} on ${location.pathname}`,
      ),
    ),
  );
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  return violations;
}

test("every response carries the security headers; only the share page may be framed", async ({ request }) => {
  for (const path of ["/", "/sign-in", "/api/search?q=ab"]) {
    const res = await request.get(path);
    const h = res.headers();
    expect([path, h["x-content-type-options"], h["referrer-policy"]]).toEqual([
      path,
      "nosniff",
      "strict-origin-when-cross-origin",
    ]);
    expect(h["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
    expect(h["x-frame-options"]).toBe("DENY");
    // One policy per response: on pages the proxy's replaces next.config's baseline, it is not added to it.
    const policies = res.headersArray().filter((x) => x.name.toLowerCase() === "content-security-policy");
    expect(policies.map((x) => x.value)).toEqual([h["content-security-policy"]]);
    if (path.startsWith("/api/")) expect(h["content-security-policy"]).toBe("frame-ancestors 'none'");
    else expect(h["content-security-policy"]).toContain("; frame-ancestors 'none'");
  }
  const share = await request.get("/c/no-such-clip");
  expect(share.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-.+; frame-ancestors \*$/);
  expect(share.headers()["x-frame-options"]).toBeUndefined();
  expect(share.headers()["x-content-type-options"]).toBe("nosniff");
});

test("pages get a script policy with a fresh nonce per request, on every script tag", async ({ request }) => {
  const [a, b] = [await request.get("/sign-in"), await request.get("/sign-in")];
  const csp = a.headers()["content-security-policy"];
  expect(csp).toMatch(/^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'; /);
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval");
  const nonce = nonceOf(csp)!;
  expect(nonceOf(b.headers()["content-security-policy"])).not.toBe(nonce);

  const html = await a.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(3); // Next's runtime chunks and its inline flight data
  for (const tag of scripts) expect([tag, /\bnonce="([^"]+)"/.exec(tag)?.[1]]).toEqual([tag, nonce]);
  // A page that is not found is rendered per request too (a prerendered one would carry no nonce).
  const missing = await request.get("/no-such-page");
  expect(missing.status()).toBe(404);
  const missingNonce = nonceOf(missing.headers()["content-security-policy"]);
  expect(await missing.text()).toContain(`nonce="${missingNonce}"`);
});

test("pages run under the policy: sign-up hydrates and the live view plays, with no violation", async ({ page }) => {
  test.setTimeout(180_000);
  const violations = await collectViolations(page);
  await page.goto("/sign-up");
  await expect(page.locator("form[data-ready]")).toBeVisible();
  await page.getByLabel("Email").fill(`csp-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/dashboard/);

  // The live view: hls.js (loaded by a nonced chunk) feeds the <video> through a blob: MediaSource URL.
  const form = page.getByRole("form", { name: "Add a streamer" });
  await form.getByLabel(/Stream URL/).fill(process.env.E2E_STREAM_URL!);
  await form.getByLabel(/Name/).fill("CSP streamer");
  await form.getByRole("button", { name: "Add streamer" }).click();
  await expect(page.getByTestId("streamer-status")).toHaveText("● LIVE", { timeout: 30_000 });
  await page.getByTestId("session").first().getByRole("link", { name: "CSP streamer" }).click();
  await expect(page).toHaveURL(/\/sessions\//);
  const video = page.getByRole("region", { name: "Live" }).getByTestId("live-video");
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 60_000 })
    .toBeGreaterThan(1);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentSrc)).toMatch(/^blob:/);
  expect(violations).toEqual([]);

  // The probe hears what it should: an injected inline handler (the classic XSS) is refused and reported.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML("beforeend", `<img alt="" src="/no-such-image" onerror="window.injected = 1">`);
  });
  await expect.poll(() => violations.some((v) => v.startsWith("script-src-attr blocked inline"))).toBe(true);
  expect(await page.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
});
