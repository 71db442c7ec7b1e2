/**
 * labelplace: where place labels go without overlapping. Pure, tested with
 * `node --test`.
 */

const KIND_RANK = { capital: 0, country: 1, city: 2, region: 3, town: 4 };

/** labelOrder puts capitals first, then countries, cities, regions and towns, each by population. */
export function labelOrder(a, b) {
  const ka = KIND_RANK[a.kind] ?? 4, kb = KIND_RANK[b.kind] ?? 4;
  if (ka !== kb) return ka - kb;
  if (a.population !== b.population) return b.population - a.population;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * labelBox is the box a label takes at container point (x, y): a region's
 * or country's name centred on its point; a place's dot at its point with the name to
 * its right. w and h are the text's size in pixels.
 */
export function labelBox(c) {
  if (c.kind === 'region' || c.kind === 'country') return { x0: c.x - c.w / 2 - 2, y0: c.y - c.h / 2, x1: c.x + c.w / 2 + 2, y1: c.y + c.h / 2 };
  return { x0: c.x - 4, y0: c.y - c.h / 2, x1: c.x + 8 + c.w + 2, y1: c.y + c.h / 2 };
}

export function overlaps(a, b) {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * placeLabels returns the candidates ({id, name, kind, population, x, y,
 * w, h}) to draw, most important first: each inside the view (width by
 * height), overlapping no box in avoid nor any label placed before it, the
 * same place once, at most max of them. A region named like one of the
 * places (its seat, mostly) is left out: its name is on the map already.
 */
export function placeLabels(candidates, { width, height, avoid = [], max = 250 }) {
  const placeNames = new Set(candidates.filter((c) => c.kind !== 'region' && c.kind !== 'country').map((c) => c.name.toLowerCase()));
  const sorted = candidates.filter((c) => c.kind !== 'region' || !placeNames.has(c.name.toLowerCase())).sort(labelOrder);
  const boxes = avoid.slice();
  const out = [];
  const seen = new Set();
  for (const c of sorted) {
    if (out.length >= max) break;
    if (seen.has(c.id)) continue;
    const b = labelBox(c);
    if (b.x0 < 0 || b.y0 < 0 || b.x1 > width || b.y1 > height) continue;
    if (boxes.some((o) => overlaps(b, o))) continue;
    seen.add(c.id);
    boxes.push(b);
    out.push(c);
  }
  return out;
}
