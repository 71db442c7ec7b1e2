/**
 * heat: the heat maps' data, from the server's summed cells to
 * leaflet.heat's points and scale (no DOM; unit-tested with node --test).
 */

/** HEAT_OPTIONS are the heat layers' options (the map's and playback's). */
export const HEAT_OPTIONS = { radius: 22, blur: 18, maxZoom: 0, minOpacity: 0.3 };

/**
 * heatData turns /api/heatmap's points ([lon, lat, count, fatalities],
 * one per cell) into leaflet.heat's [lat, lon, weight] and the weight at
 * which its colours saturate: the 95th percentile of the weights, so that
 * a few cities of thousands of incidents do not fade every village to
 * nothing (they saturate instead). Playback's clusters ([lon, lat,
 * count, ...]) read the same.
 */
export function heatData(points) {
  const latlngs = [];
  const weights = [];
  for (const p of points || []) {
    if (!Array.isArray(p) || p.length < 3) continue;
    const w = Number(p[2]) || 0;
    if (w <= 0) continue;
    latlngs.push([p[1], p[0], w]);
    weights.push(w);
  }
  weights.sort((a, b) => a - b);
  const max = weights.length ? Math.max(1, weights[Math.min(weights.length - 1, Math.floor(weights.length * 0.95))]) : 1;
  return { latlngs, max };
}
