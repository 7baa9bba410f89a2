import { z } from "zod";

/**
 * Imported first by every module that builds zod object schemas and is also bundled for the browser. Pages run
 * under a CSP without 'unsafe-eval' (decision 014), and zod probes for `new Function` (its JIT) as soon as an
 * object schema is built: the probe alone is a reported violation. In the browser zod is set jitless before
 * any schema exists; the server keeps the JIT.
 */
if (typeof window !== "undefined") z.config({ jitless: true });
