/**
 * state: the map's filters and view <-> the URL hash, the API query of the
 * filters, and the date arithmetic of the time window. Pure functions of
 * their arguments (no DOM, no Leaflet), tested with `node --test`.
 */

/** emptyFilters returns the filters of a map that filters nothing. */
export function emptyFilters() {
  return { from: '', to: '', types: null, actor: '', q: '', minf: '', heat: false, sel: '', step: 'month', lang: '' };
}

export const STEPS = ['day', 'week', 'month'];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const LANG_RE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * labelLanguage returns the language the place labels are asked in: the
 * link's lang (a BCP 47 tag), else the browser's language; '' for English,
 * whose labels are GeoNames' own names, and for a malformed tag.
 */
export function labelLanguage(linkLang, browserLang) {
  const tag = String(linkLang || browserLang || '');
  if (!LANG_RE.test(tag)) return '';
  return /^en(-|$)/i.test(tag) ? '' : tag;
}

/** isDate reports whether s is a valid calendar date YYYY-MM-DD. */
export function isDate(s) {
  if (!DATE_RE.test(String(s))) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * parseHash reads a URL hash ("#map=7/35.0/38.8&from=...") into the view
 * ({z, lat, lon}, or null when the hash has none) and the filters.
 * Malformed values are dropped, never thrown.
 */
export function parseHash(hash) {
  const h = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  let view = null;
  const m = (h.get('map') || '').split('/');
  if (m.length === 3 && m.every((x) => x !== '' && Number.isFinite(Number(x)))) {
    view = { z: Number(m[0]), lat: Number(m[1]), lon: Number(m[2]) };
  }
  const f = emptyFilters();
  const from = h.get('from') || '', to = h.get('to') || '';
  f.from = isDate(from) ? from : '';
  f.to = isDate(to) ? to : '';
  f.actor = h.get('actor') || '';
  f.q = h.get('q') || '';
  const minf = h.get('minf') || '';
  f.minf = /^\d+$/.test(minf) ? minf : '';
  f.heat = h.get('heat') === '1';
  f.sel = /^\d+$/.test(h.get('sel') || '') ? h.get('sel') : '';
  const step = h.get('step');
  if (STEPS.includes(step)) f.step = step;
  const lang = h.get('lang') || '';
  f.lang = LANG_RE.test(lang) ? lang : '';
  const t = h.get('types');
  f.types = t === null ? null : new Set(t.split(',').filter(Boolean));
  return { view, filters: f };
}

/** wrapLon brings a longitude into [-180, 180). */
export function wrapLon(lon) {
  const w = ((lon + 180) % 360 + 360) % 360 - 180;
  return w === -180 && lon > 0 ? 180 : w;
}

/**
 * formatHash writes the view and filters as a URL hash; it keeps only
 * what differs from emptyFilters, and as many decimals as the zoom needs.
 */
export function formatHash(filters, view) {
  const h = new URLSearchParams();
  if (view) {
    const d = Math.max(0, Math.min(5, Math.ceil(view.z * Math.LN2 / Math.LN10) + 1));
    h.set('map', view.z + '/' + view.lat.toFixed(d) + '/' + wrapLon(view.lon).toFixed(d));
  }
  const f = filters;
  if (f.from) h.set('from', f.from);
  if (f.to) h.set('to', f.to);
  if (f.types) h.set('types', Array.from(f.types).sort().join(','));
  if (f.actor) h.set('actor', f.actor);
  if (f.q) h.set('q', f.q);
  if (f.minf) h.set('minf', f.minf);
  if (f.heat) h.set('heat', '1');
  if (f.step && f.step !== 'month') h.set('step', f.step);
  if (f.sel) h.set('sel', f.sel);
  if (f.lang) h.set('lang', f.lang);
  return '#' + h.toString().replace(/%2F/g, '/').replace(/%2C/g, ',');
}

/**
 * filterParams turns the filters into the query of /api/incidents,
 * /api/stats and the tiles. types is the map's list of event types
 * ({key, names}: the API names a key stands for).
 */
export function filterParams(f, types) {
  const p = new URLSearchParams();
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.types) {
    const names = [];
    for (const t of types) if (f.types.has(t.key)) names.push(...t.names);
    // Nothing selected: ask for a type that cannot exist so the answer is empty.
    p.set('event_type', names.length ? names.join(',') : '(none)');
  }
  if (f.actor) p.set('actor', f.actor);
  if (f.q) p.set('q', f.q);
  if (f.minf !== '' && Number(f.minf) > 0) p.set('min_fatalities', String(Math.floor(Number(f.minf))));
  return p;
}

// ---- dates -----------------------------------------------------------------

function toDate(iso) { return new Date(iso + 'T00:00:00Z'); }
function fromDate(d) { return d.toISOString().slice(0, 10); }

/** addDays returns the date n days after iso (n may be negative). */
export function addDays(iso, n) {
  const d = toDate(iso);
  d.setUTCDate(d.getUTCDate() + n);
  return fromDate(d);
}

/** daysBetween returns the number of days from a to b (b - a). */
export function daysBetween(a, b) {
  return Math.round((toDate(b) - toDate(a)) / 86400000);
}

/** lastOfMonth returns the last day of iso's month. */
export function lastOfMonth(iso) {
  const d = toDate(iso);
  return fromDate(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

/** addMonths returns iso moved by n months, the day clamped to the month's end. */
export function addMonths(iso, n) {
  const d = toDate(iso);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + n, day = d.getUTCDate();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return fromDate(new Date(Date.UTC(y, m, Math.min(day, last))));
}

function isWholeMonths(from, to) {
  return from.slice(8) === '01' && to === lastOfMonth(to);
}

/**
 * firstWindow returns the window a time slider starts from: the first
 * step (a day, a week from min, or min's month) of the data's range
 * [min, max].
 */
export function firstWindow(step, min, max) {
  let from = min, to;
  if (step === 'day') to = min;
  else if (step === 'week') to = addDays(min, 6);
  else { from = min.slice(0, 8) + '01'; to = lastOfMonth(min); }
  if (max && to > max) to = max;
  return { from, to };
}

/**
 * stepWindow moves the window {from, to} by one step (day, week or
 * month) forward (dir 1) or back (dir -1), keeping its length; a window of
 * whole months stays one of whole months. A window that would leave
 * [min, max] entirely is not moved: the result is null. An open window
 * (from or to empty) starts at firstWindow (or, going back, at the last
 * step before max).
 */
export function stepWindow(win, step, dir, min, max) {
  let { from, to } = win;
  if (!from || !to) {
    if (!min || !max) return null;
    if (dir > 0) return firstWindow(step, min, max);
    const w = firstWindow(step, max, '');
    if (step === 'week') return { from: addDays(max, -6), to: max };
    return step === 'month' ? w : { from: max, to: max };
  }
  if (from > to) [from, to] = [to, from];
  let nf, nt;
  if (step === 'month') {
    nf = addMonths(from, dir);
    nt = isWholeMonths(from, to) ? lastOfMonth(addMonths(to.slice(0, 8) + '01', dir)) : addMonths(to, dir);
  } else {
    const n = step === 'week' ? 7 : 1;
    nf = addDays(from, dir * n);
    nt = addDays(to, dir * n);
  }
  if ((max && nf > max) || (min && nt < min)) return null;
  return { from: nf, to: nt };
}

/**
 * playStart returns the first window playback draws: the window win when
 * a step forward can follow it, else the beginning of the data (from an
 * open window: firstWindow; at the end: a window as long as win).
 */
export function playStart(win, step, min, max) {
  if (!win.from || !win.to) return firstWindow(step, min, max);
  if (stepWindow(win, step, 1, min, max)) return { from: win.from, to: win.to };
  return step === 'month' ? firstWindow('month', min, max) : { from: min, to: addDays(min, daysBetween(win.from, win.to)) };
}

/**
 * playWindows returns the windows playback steps through: first, then a
 * step forward at a time while the window starts within [min, max], at
 * most limit of them.
 */
export function playWindows(first, step, min, max, limit = 20000) {
  const out = [{ from: first.from, to: first.to }];
  for (let w = out[0]; out.length < limit;) {
    w = stepWindow(w, step, 1, min, max);
    if (!w || w.from > max) break;
    out.push(w);
  }
  return out;
}

/**
 * clampWindow keeps a window inside [min, max] by moving it (its length
 * kept when it fits), for dragging the window along the slider.
 */
export function clampWindow(from, to, min, max) {
  const len = daysBetween(from, to);
  if (from < min) { from = min; to = addDays(min, len); }
  if (to > max) { to = max; from = addDays(max, -len); }
  if (from < min) from = min;
  return { from, to };
}
