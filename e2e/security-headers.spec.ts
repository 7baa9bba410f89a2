import { expect, test } from "./fixtures";

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
    expect(h["content-security-policy"]).toBe("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
  }
  const share = await request.get("/c/no-such-clip");
  expect(share.headers()["content-security-policy"]).toBe("frame-ancestors *");
  expect(share.headers()["x-frame-options"]).toBeUndefined();
  expect(share.headers()["x-content-type-options"]).toBe("nosniff");
});
