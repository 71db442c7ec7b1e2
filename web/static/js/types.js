/**
 * types: the event types the map knows, from /api/config (event_types and
 * event_colors) and the data (/api/stats), each with a key used in the URL
 * and a colour. Types the server has no colour for share "Other". Pure
 * but for the list it keeps, tested with `node --test`.
 */

const OTHER_COLOR = '#6d6d6d';

/** typeKey makes the URL key of an event type: "Explosions/Remote violence" -> "explosions-remote-violence". */
export function typeKey(name) {
  return String(name).toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'type';
}

/**
 * buildTypes returns the map's types: one per configured name with a
 * colour, in the server's order, then "Other" standing for every other
 * name (extra: the data's names the server did not configure).
 */
export function buildTypes(names, colors, extra) {
  const out = [];
  const seen = new Set();
  const extras = [];
  for (const n of names || []) {
    const key = typeKey(n);
    if (seen.has(key)) continue;
    seen.add(key);
    const c = colors && colors[n];
    if (c) out.push({ key, name: n, color: c, names: [n] });
    else extras.push(n);
  }
  for (const n of extra || []) {
    if (!seen.has(typeKey(n))) { seen.add(typeKey(n)); extras.push(n); }
  }
  out.push({ key: 'other', name: 'Other', color: OTHER_COLOR, names: extras, other: true });
  return out;
}

let types = buildTypes([], {}, []);
let byName = new Map();

/** setTypes makes list the map's types (see buildTypes). */
export function setTypes(list) {
  types = list;
  byName = new Map();
  for (const t of list) for (const n of t.names) byName.set(n.toLowerCase(), t);
}

/** allTypes returns the map's types, "Other" last. */
export function allTypes() { return types; }

/** typeOf returns the type an incident's event_type belongs to. */
export function typeOf(name) {
  return byName.get(String(name || '').toLowerCase()) || types[types.length - 1];
}

/** typeCSS returns the style sheet giving each type's class its colour. */
export function typeCSS(list) {
  return list.map((t) => '.t-' + t.key + ' { --c: ' + t.color + '; }').join('\n');
}

/** relativeLuminance of a #rrggbb colour (WCAG 2). */
export function relativeLuminance(hex) {
  const v = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)));
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}

/** contrast returns the WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a, b) {
  const la = relativeLuminance(a), lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}
