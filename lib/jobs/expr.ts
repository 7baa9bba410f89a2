/**
 * The small subset of Inngest's CEL expressions the runner needs: dotted paths (`event.data.userId`),
 * string/number/bool/null literals, `==`, `!=`, `&&`, `||`, `!` and parentheses. Enough for trigger `if`
 * filters, the `onFailure` trigger (`event.data.function_id == 'app-fn'`) and concurrency keys.
 */

export type TScope = Record<string, unknown>;

/** Value at a dotted path such as `event.data.sessionId` (undefined when any part is missing). */
export function getPath(scope: unknown, path: string): unknown {
  let cur: unknown = scope;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

type TToken = { t: "lit"; v: unknown } | { t: "path"; v: string } | { t: "op"; v: string };

function tokenize(src: string): TToken[] {
  const out: TToken[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new Error(`unterminated string in ${JSON.stringify(src)}`);
      out.push({ t: "lit", v: s });
      i = j + 1;
    } else if (/[0-9-]/.test(c) && /^-?\d/.test(src.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i))!;
      out.push({ t: "lit", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*/.exec(src.slice(i))!;
      const word = m[0];
      if (word === "true" || word === "false") out.push({ t: "lit", v: word === "true" });
      else if (word === "null") out.push({ t: "lit", v: null });
      else out.push({ t: "path", v: word });
      i += word.length;
    } else {
      const two = src.slice(i, i + 2);
      if (["==", "!=", "&&", "||"].includes(two)) {
        out.push({ t: "op", v: two });
        i += 2;
      } else if ("()!".includes(c)) {
        out.push({ t: "op", v: c });
        i++;
      } else {
        throw new Error(`unsupported expression syntax at ${JSON.stringify(src.slice(i))}`);
      }
    }
  }
  return out;
}

/** Evaluates `expr` against `scope` (e.g. `{ event }` or `{ event, async }`). Throws on unsupported syntax. */
export function evaluate(expr: string, scope: TScope): unknown {
  const toks = tokenize(expr);
  let pos = 0;
  const peek = () => toks[pos];
  const isOp = (v: string) => peek()?.t === "op" && peek()!.v === v;

  const primary = (): unknown => {
    const tok = toks[pos++];
    if (!tok) throw new Error(`unexpected end of expression ${JSON.stringify(expr)}`);
    if (tok.t === "lit") return tok.v;
    if (tok.t === "path") return getPath(scope, tok.v);
    if (tok.v === "(") {
      const v = or();
      if (!isOp(")")) throw new Error(`missing ) in ${JSON.stringify(expr)}`);
      pos++;
      return v;
    }
    if (tok.v === "!") return !primary();
    throw new Error(`unexpected ${tok.v} in ${JSON.stringify(expr)}`);
  };
  const equality = (): unknown => {
    let left = primary();
    while (isOp("==") || isOp("!=")) {
      const op = toks[pos++].v;
      const right = primary();
      left = op === "==" ? left === right : left !== right;
    }
    return left;
  };
  const and = (): unknown => {
    let left = equality();
    while (isOp("&&")) {
      pos++;
      const right = equality();
      left = Boolean(left) && Boolean(right);
    }
    return left;
  };
  const or = (): unknown => {
    let left = and();
    while (isOp("||")) {
      pos++;
      const right = and();
      left = Boolean(left) || Boolean(right);
    }
    return left;
  };

  const value = or();
  if (pos !== toks.length) throw new Error(`unexpected trailing input in ${JSON.stringify(expr)}`);
  return value;
}
