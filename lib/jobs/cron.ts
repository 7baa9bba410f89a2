/**
 * 5-field cron (minute hour day-of-month month day-of-week) with an optional `TZ=Area/City ` prefix, as
 * Inngest accepts it. Supports `*`, lists, ranges, steps and month/day names; day-of-month and
 * day-of-week combine with OR when both are restricted (classic cron semantics).
 */

type TCron = {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  domStar: boolean;
  dowStar: boolean;
  tz: string;
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function parseField(field: string, min: number, max: number, names?: string[], nameBase = 0): Set<number> {
  const out = new Set<number>();
  const num = (s: string) => {
    const idx = names?.indexOf(s.toLowerCase()) ?? -1;
    const n = idx >= 0 ? idx + nameBase : Number(s);
    if (!Number.isInteger(n)) throw new Error(`invalid cron value "${s}"`);
    return n;
  };
  for (const part of field.split(",")) {
    const [range, stepStr] = part.split("/");
    const step = stepStr === undefined ? 1 : Number(stepStr);
    if (!Number.isInteger(step) || step < 1) throw new Error(`invalid cron step "${part}"`);
    let lo: number;
    let hi: number;
    if (range === "*") [lo, hi] = [min, max];
    else if (range.includes("-")) [lo, hi] = range.split("-").map(num) as [number, number];
    else [lo, hi] = [num(range), stepStr === undefined ? num(range) : max];
    if (lo < min || hi > max || lo > hi) throw new Error(`cron value out of range in "${part}"`);
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expr: string): TCron {
  let rest = expr.trim();
  let tz = "UTC";
  const m = /^(?:TZ|CRON_TZ)=(\S+)\s+(.*)$/.exec(rest);
  if (m) {
    tz = m[1];
    rest = m[2];
    new Intl.DateTimeFormat("en-US", { timeZone: tz }); // throws RangeError on an unknown zone
  }
  const f = rest.split(/\s+/);
  if (f.length !== 5) throw new Error(`cron "${expr}" must have 5 fields`);
  const weekdays = parseField(f[4], 0, 7, DAYS);
  if (weekdays.delete(7)) weekdays.add(0);
  return {
    minutes: parseField(f[0], 0, 59),
    hours: parseField(f[1], 0, 23),
    days: parseField(f[2], 1, 31),
    months: parseField(f[3], 1, 12, MONTHS, 1),
    weekdays,
    domStar: f[2] === "*",
    dowStar: f[4] === "*",
    tz,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(date: Date, tz: string) {
  let fmt = formatters.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(tz, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(date).map((x) => [x.type, x.value]));
  return {
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    weekday: DAYS.indexOf(String(p.weekday).toLowerCase().slice(0, 3)),
  };
}

/** The first time strictly after `after` (whole minutes) that matches `expr`. */
export function nextCronTime(expr: string, after: Date): Date {
  const c = parseCron(expr);
  const MIN = 60_000;
  let t = Math.floor(after.getTime() / MIN) * MIN + MIN;
  const limit = t + 5 * 366 * 24 * 60 * MIN;
  while (t < limit) {
    const w = wallClock(new Date(t), c.tz);
    const domOk = c.days.has(w.day);
    const dowOk = c.weekdays.has(w.weekday);
    const dayOk = c.domStar || c.dowStar ? domOk && dowOk : domOk || dowOk;
    // Skip ahead by the coarsest non-matching unit (to the next local hour/day), then re-check.
    if (!c.months.has(w.month) || !dayOk) t += ((23 - w.hour) * 60 + (60 - w.minute)) * MIN;
    else if (!c.hours.has(w.hour)) t += (60 - w.minute) * MIN;
    else if (!c.minutes.has(w.minute)) t += MIN;
    else return new Date(t);
  }
  throw new Error(`cron "${expr}" never fires`);
}
