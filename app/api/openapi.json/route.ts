import { api } from "@/lib/http/api";
import { openApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 description, generated from the zod schemas the routes parse with. Public. */
export const GET = api(async () =>
  Response.json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } }),
);
