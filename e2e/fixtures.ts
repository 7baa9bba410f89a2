import { test as base, expect } from "@playwright/test";

/**
 * Playwright's `test`, plus a client address of its own, and a clean-up every spec gets: after the test, the
 * streamers the page's account added are deleted with their clips. The demo stream stays live for the whole run,
 * so a streamer left behind would go on recording and processing it through every later spec, and the 2 cores
 * would be shared by more recorders with each spec.
 */
let clients = 0;

export const test = base.extend<{ removeStreamers: void }>({
  // Each test is its own client address, as users behind the stack's (loopback) proxy are: the sign-up and
  // sign-in limits per address (10 a minute) then count one test's requests, not the whole suite's.
  extraHTTPHeaders: async ({ extraHTTPHeaders }, provide) => {
    const n = ++clients + (process.pid % 200) * 250;
    await provide({ ...extraHTTPHeaders, "x-forwarded-for": `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` });
  },
  removeStreamers: [
    async ({ page }, use) => {
      await use();
      const res = await page.request.get("/api/streamers");
      if (res.status() === 401) return; // never signed in
      expect(res.status()).toBe(200);
      const { streamers } = (await res.json()) as { streamers: { id: string }[] };
      for (const s of streamers) {
        expect((await page.request.delete(`/api/streamers/${s.id}?clips=delete`)).status()).toBe(200);
      }
    },
    { auto: true },
  ],
});

export { expect };
export type { Locator, Page, APIRequestContext } from "@playwright/test";
