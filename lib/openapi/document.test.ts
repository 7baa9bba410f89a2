/**
 * The API's one description: every method of every route under app/api (found on disk) has an operation, the
 * document is valid OpenAPI 3.1 (checked against the specification's JSON Schema), every operation lists its
 * error answers with the one error shape, and inputs come from the routes' own zod schemas.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { AppError, type TErrorCode } from "@/lib/http/errors";
import { HTTP_METHODS, loadApiRoutes } from "@/test/app-server";

let doc: Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };
let m: typeof import("./document");
let ops: typeof import("./operations");

beforeAll(async () => {
  m = await import("./document");
  ops = await import("./operations");
  doc = JSON.parse(JSON.stringify(m.openApiDocument()));
});

describe("OpenAPI document", () => {
  it("describes every method of every route on disk, and nothing that is not a route", async () => {
    const routes = await loadApiRoutes();
    const onDisk = Object.entries(routes).flatMap(([pattern, methods]) =>
      HTTP_METHODS.filter((x) => methods[x]).map((x) => `${x} ${pattern}`),
    );
    expect(onDisk.length).toBeGreaterThanOrEqual(60);
    expect(Object.keys(ops.OPERATIONS).sort()).toEqual(onDisk.sort());
    for (const key of onDisk) {
      const [method, pattern] = key.split(" ");
      const op = doc.paths[m.openApiPath(pattern)]?.[method.toLowerCase()];
      expect(op, key).toBeDefined();
      expect(String(op.summary).length, key).toBeGreaterThan(10);
    }
  });

  it("is valid OpenAPI 3.1", async () => {
    const res = await new Validator().validate(structuredClone(doc) as Parameters<Validator["validate"]>[0]);
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("gives every operation its error answers as { error: { code, message } }, with the API's status codes", () => {
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const responses = op.responses as Record<
          string,
          { description: string; content?: Record<string, { schema: unknown }> }
        >;
        for (const [status, r] of Object.entries(responses).filter(([s]) => Number(s) >= 400)) {
          expect([p, method, status, r.content?.["application/json"]?.schema]).toEqual([
            p,
            method,
            status,
            { $ref: "#/components/schemas/Error" },
          ]);
          // Each code listed under a status is one the API answers with that status.
          const codes = [...r.description.matchAll(/`([a-z_]+)`/g)].map((x) => x[1] as TErrorCode);
          expect(codes.length, `${method} ${p} ${status}`).toBeGreaterThan(0);
          for (const code of codes) {
            expect([p, method, code, new AppError(code, "x").status]).toEqual([p, method, code, Number(status)]);
          }
        }
      }
    }
    // A user route: 401 (signed out), 403 (cross-site, read token), 429 (token over its limit), 404 for an id.
    const patch = doc.paths["/api/clips/{id}"].patch.responses as Record<string, unknown>;
    expect(Object.keys(patch).sort()).toEqual(["200", "400", "401", "403", "404", "413", "422", "429"]);
  });

  it("takes its inputs from the routes' zod schemas", () => {
    const body = (p: string, method: string) =>
      (doc.paths[p][method].requestBody as { content: Record<string, { schema: Record<string, unknown> }> }).content[
        "application/json"
      ].schema;
    expect(body("/api/streamers", "post")).toMatchObject({
      type: "object",
      properties: { source: { type: "string", maxLength: 4096 } },
      required: ["source"],
    });
    expect(body("/api/tokens", "post")).toMatchObject({
      properties: { scope: { enum: ["read", "write"] } },
    });
    expect(body("/api/webhook-endpoints", "post")).toMatchObject({
      properties: {
        events: {
          items: { enum: ["clip.ready", "clip.reviewed", "session.started", "session.ended", "segment.failed"] },
        },
      },
    });
    const query = doc.paths["/api/search"].get.parameters as { name: string; in: string }[];
    expect(query.map((q) => [q.in, q.name])).toEqual([
      ["query", "q"],
      ["query", "limit"],
    ]);
    const params = doc.paths["/api/media/{key}"].get.parameters as { name: string; in: string }[];
    expect(params.filter((q) => q.in === "path").map((q) => q.name)).toEqual(["key"]);
  });
});
