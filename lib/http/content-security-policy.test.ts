import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./content-security-policy";

const page = [
  "default-src 'self'",
  "script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "worker-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

describe("contentSecurityPolicy", () => {
  it.each([
    ["/sign-in", false, [...page, "frame-ancestors 'none'"]],
    ["/", false, [...page, "frame-ancestors 'none'"]],
    ["/c/abc123", false, [...page, "frame-ancestors *"]],
    ["/c/abc123/", false, [...page, "frame-ancestors *"]],
    ["/c/abc123/more", false, [...page, "frame-ancestors 'none'"]],
    ["/clips/c/abc", false, [...page, "frame-ancestors 'none'"]],
    ["/c", false, [...page, "frame-ancestors 'none'"]],
    [
      "/dashboard",
      true,
      [
        page[0],
        "script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic' 'unsafe-eval'",
        ...page.slice(2),
        "frame-ancestors 'none'",
      ],
    ],
  ])("%s (dev: %s)", (pathname, dev, directives) => {
    expect(contentSecurityPolicy({ nonce: "bm9uY2U=", pathname, dev }).split("; ")).toEqual(directives);
  });

  it.each([["a'b"], ["x; script-src *"], [""], ["a b"]])("refuses the nonce %j", (nonce) => {
    expect(() => contentSecurityPolicy({ nonce, pathname: "/", dev: false })).toThrow("a CSP nonce is base64");
  });
});
