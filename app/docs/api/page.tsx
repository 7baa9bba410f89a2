import Link from "next/link";
import { AppHeader } from "@/components/app-header";
import { getSessionUser } from "@/lib/auth/server";
import { openApiDocument } from "@/lib/openapi/document";

export const metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

type TSchema = {
  type?: string | string[];
  enum?: unknown[];
  items?: TSchema;
  properties?: Record<string, TSchema>;
  required?: string[];
  anyOf?: TSchema[];
  oneOf?: TSchema[];
  $ref?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  format?: string;
};
type TParam = { name: string; in: string; required?: boolean; description?: string; schema?: TSchema };
type TOp = {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: TParam[];
  requestBody?: { content: Record<string, { schema?: TSchema }> };
  responses: Record<string, { description: string }>;
};

const METHOD_TONE: Record<string, string> = {
  get: "bg-sky-500/20 text-sky-300",
  post: "bg-emerald-500/20 text-emerald-300",
  put: "bg-amber-500/20 text-amber-300",
  patch: "bg-amber-500/20 text-amber-300",
  delete: "bg-red-500/20 text-red-300",
  head: "bg-zinc-700 text-zinc-300",
};

/** A schema in a few words: `string ≤ 80`, `"read" | "write"`, `array of string`, `integer 1–100 (24)`. */
function typeOf(s: TSchema | undefined): string {
  if (!s) return "any";
  if (s.$ref) return s.$ref.split("/").at(-1)!;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).join(" or ");
  const t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  const limits: string[] = [];
  if (s.minimum !== undefined || s.maximum !== undefined) limits.push(`${s.minimum ?? ""}–${s.maximum ?? ""}`);
  if (s.minLength) limits.push(`≥ ${s.minLength} chars`);
  if (s.maxLength !== undefined) limits.push(`≤ ${s.maxLength} chars`);
  if (s.maxItems !== undefined) limits.push(`≤ ${s.maxItems} items`);
  if (s.format) limits.push(s.format);
  const base = t === "array" ? `array of ${typeOf(s.items)}` : t;
  return [base, ...limits].join(", ") + (s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : "");
}

function Fields({
  rows,
}: {
  rows: { name: string; where?: string; required: boolean; type: string; note?: string }[];
}) {
  return (
    <dl className="divide-y divide-zinc-800/60 rounded-md bg-zinc-950/60 text-xs">
      {rows.map((r) => (
        <div key={`${r.where}-${r.name}`} className="grid gap-x-3 px-2 py-1.5 sm:grid-cols-[10rem_1fr]">
          <dt className="font-mono text-zinc-200">
            {r.name}
            {r.required && <span className="text-rose-400">*</span>}
            {r.where && <span className="ml-1 font-sans text-[10px] text-zinc-500">{r.where}</span>}
          </dt>
          <dd className="break-words text-zinc-400">
            <span className="font-mono text-zinc-300">{r.type}</span>
            {r.note && <span className="block">{r.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Operation({ method, path, op }: { method: string; path: string; op: TOp }) {
  const params = (op.parameters ?? []).map((p) => ({
    name: p.name,
    where: p.in,
    required: !!p.required,
    type: typeOf(p.schema),
    note: p.description,
  }));
  const [bodyType, body] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  const schema = body?.schema;
  const fields = schema?.properties
    ? Object.entries(schema.properties).map(([name, s]) => ({
        name,
        required: (schema.required ?? []).includes(name),
        type: typeOf(s),
        note: s.description,
      }))
    : null;
  return (
    <article className="space-y-2 border-t border-zinc-800 py-4" id={`${method}-${path}`}>
      <h3 className="flex flex-wrap items-center gap-2">
        <span
          className={`rounded px-1.5 py-0.5 font-mono text-[11px] font-bold uppercase ${METHOD_TONE[method] ?? ""}`}
        >
          {method}
        </span>
        <code className="break-all font-mono text-sm text-zinc-100">{path}</code>
      </h3>
      <p className="text-sm text-zinc-300">{op.summary}</p>
      {op.description && (
        <p className="text-xs text-zinc-500">{op.description.replace(/\*\*/g, "").replace(/`/g, "")}</p>
      )}
      {params.length > 0 && <Fields rows={params} />}
      {bodyType && (
        <div className="space-y-1">
          <p className="text-xs text-zinc-500">
            Body: <code>{bodyType}</code>
            {!fields && schema && <> · {typeOf(schema)}</>}
          </p>
          {fields && <Fields rows={fields} />}
        </div>
      )}
      <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-500">
        {Object.entries(op.responses).map(([status, r]) => (
          <li key={status}>
            <span className={status.startsWith("2") ? "text-emerald-300" : "text-zinc-300"}>{status}</span>{" "}
            {r.description.replace(/`/g, "")}
          </li>
        ))}
      </ul>
    </article>
  );
}

/** A readable page of the OpenAPI document (/api/openapi.json): every operation by tag, its inputs and answers. */
export default async function ApiDocsPage() {
  const user = await getSessionUser();
  const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, TOp>> };
  const byTag = new Map<string, { method: string; path: string; op: TOp }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const tags = [...byTag.keys()].sort((a, b) => (a === "Internal" ? 1 : b === "Internal" ? -1 : 0));
  return (
    <>
      {user && <AppHeader email={user.email} />}
      <main className="mx-auto max-w-3xl px-4 py-6">
        <h1 className="text-lg font-semibold">Clipstream API</h1>
        <p className="mt-2 text-sm text-zinc-400">
          Every route takes the signed-in session, or a personal API token from{" "}
          <Link className="underline" href="/settings">
            Settings
          </Link>{" "}
          as <code className="text-zinc-300">Authorization: Bearer cs_…</code> (a read token may only GET). Errors are{" "}
          <code className="text-zinc-300">{"{ error: { code, message } }"}</code>. The machine-readable description is{" "}
          <a className="underline" href="/api/openapi.json">
            /api/openapi.json
          </a>{" "}
          (OpenAPI 3.1). <span className="text-rose-400">*</span> required.
        </p>
        <nav className="mt-3 flex flex-wrap gap-2 text-xs" aria-label="Sections">
          {tags.map((t) => (
            <a key={t} href={`#${t}`} className="rounded bg-zinc-800 px-2 py-1 text-zinc-300 hover:bg-zinc-700">
              {t}
            </a>
          ))}
        </nav>
        {tags.map((t) => (
          <section key={t} id={t} aria-label={t} className="mt-6">
            <h2 className="text-sm font-semibold uppercase tracking-wide text-zinc-400">{t}</h2>
            {byTag.get(t)!.map((o) => (
              <Operation key={`${o.method} ${o.path}`} {...o} />
            ))}
          </section>
        ))}
      </main>
    </>
  );
}
