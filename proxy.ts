import { type NextRequest, NextResponse } from "next/server";
import { contentSecurityPolicy } from "@/lib/http/content-security-policy";

/**
 * A fresh nonce per page request, in a script Content-Security-Policy (lib/http/content-security-policy.ts). Set on
 * the request, Next reads the nonce from it and puts it on its own scripts; set on the response, it replaces the
 * baseline `frame-ancestors` policy next.config.mjs gives every response (one header, not two).
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const policy = contentSecurityPolicy({
    nonce,
    pathname: request.nextUrl.pathname,
    dev: process.env.NODE_ENV === "development",
  });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages, as Next's guide has it: API routes and build assets are not HTML and keep the baseline policy, and a
      // prefetch carries no scripts to nonce.
      source: "/((?!api|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
