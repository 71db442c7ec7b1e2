/**
 * loader: loads what the view holds with the filters and hands it to the
 * map, the totals, the chart and the list; keeps the URL in step.
 */
import { $, fmtInt, showStatus } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { allTypes } from './types.js';
import { filterParams, formatHash, wrapLon } from './state.js';
import { setMode, setPlaying, showModeLine, hasMarker, selectIncident, openIncidentPopup } from './map.js';
import { hideFrames } from './playback.js';
import { useTiles, showTiles } from './tiles.js';
import { renderList } from './list.js';
import { renderTimeline, isPlaying, stop, playViewChanged } from './timeline.js';
import { enablePlaceLabels } from './labels.js';

const PAGE_LIMIT = 5000;   // features asked per request: one request fills a view
const MAX_FEATURES = 5000; // features kept for one view (pages followed up to this)
export const LIST_MAX = 400; // rows rendered in the side list
const PLAY_LIST_MAX = 100; // rows of the side list while playing (the full list once paused)

let inflight = null;
let current = [];          // features in view, as last fetched
let pendingSelDone = false;

export function currentFeatures() { return current; }
export function params() { return filterParams(app.filters, allTypes()); }

/** writeHash records the view and filters in the URL (without a history entry). */
export function writeHash() {
  const map = app.map;
  const view = map ? { z: map.getZoom(), lat: map.getCenter().lat, lon: wrapLon(map.getCenter().lng) } : null;
  const s = formatHash(app.filters, view);
  if (s !== location.hash) history.replaceState(null, '', s);
}

let refreshTimer;

/**
 * scheduleRefresh refreshes once the map has been still for 250 ms; while
 * playback runs, it tells playback the view changed instead.
 */
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => (isPlaying() ? playViewChanged() : refresh()), 250);
}

export function reopenSelection() { pendingSelDone = false; }

/** bboxParam is the view as the bbox parameter of the API. */
export function bboxParam() {
  const b = app.map.getBounds();
  let w = b.getWest(), e = b.getEast();
  if (e - w >= 360) { w = -180; e = 180; } else {
    w = wrapLon(w);
    e = wrapLon(e);
    // A view crossing the antimeridian: ask for the whole longitude range.
    if (e < w) { w = -180; e = 180; }
  }
  const s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
  return [w, s, e, n].map((v) => v.toFixed(4)).join(',');
}

/**
 * refresh loads what the view holds with the filters. It first asks for
 * one incident, which brings the count of the view (numberMatched): above
 * the server's tile threshold the map draws vector tiles and loads only
 * the newest incidents for the side list; otherwise it loads every
 * incident in view as GeoJSON. The heatmap draws every match of the view
 * from /api/heatmap and loads the side list only. It
 * resolves once everything is drawn, the chart included, and marks the
 * page data-loaded then (false when a later refresh replaced it). It
 * stops playback, which draws on its own (see timeline.js).
 */
export async function refresh() {
  clearTimeout(refreshTimer);
  if (isPlaying()) stop();
  if (inflight) inflight.abort();
  const ctrl = new AbortController();
  inflight = ctrl;
  const fp = params();
  const fkey = fp.toString();
  const bb = bboxParam();
  const n = bb.split(',').map(Number);
  const fetchedBounds = L.latLngBounds([n[1], n[0]], [n[3], n[2]]);
  const p = new URLSearchParams(fp);
  p.set('bbox', bb);
  showStatus('Loading…', false, true);

  // Totals for the whole view come from /api/stats, so they stay exact
  // when the view holds more incidents than are drawn. A failure (or
  // abort) leaves them out.
  const totals = api('GET', '/api/stats?' + p.toString(), { signal: ctrl.signal }).then((r) => r.body).catch(() => null);
  // The chart's own statistics (the view without the window) load meanwhile.
  const chart = renderTimeline();

  try {
    let tilesDrawn = Promise.resolve();
    const cp = new URLSearchParams(p);
    cp.set('limit', '1');
    const r = await api('GET', '/api/incidents?' + cp.toString(), { signal: ctrl.signal });
    let matched = r.body && typeof r.body.numberMatched === 'number' ? r.body.numberMatched : null;
    const next = app.filters.heat ? 'heat' : useTiles(matched) ? 'tiles' : 'points';
    // Tiles load while the side list is fetched.
    if (next === 'tiles' && inflight === ctrl) {
      setPlaying(false);
      setMode('tiles', [], fetchedBounds, fkey);
      tilesDrawn = showTiles(fkey);
    }
    // The heat map is drawn from every match (the server sums them into
    // cells); the incidents fetched are only the side list's.
    const heatPoints = next === 'heat' ? heatmap(p, ctrl.signal) : Promise.resolve(null);
    const max = next === 'tiles' || next === 'heat' ? LIST_MAX : Math.max(MAX_FEATURES, Number(app.config.tile_threshold) || 0);
    const lp = new URLSearchParams(p);
    lp.set('limit', String(Math.min(max, PAGE_LIMIT)));
    const [feats, st, hp] = await Promise.all([pages('/api/incidents?' + lp.toString(), max, ctrl.signal), totals, heatPoints]);
    if (inflight !== ctrl) return false;
    inflight = null;
    showStatus('');
    if (matched === null) matched = feats.length;
    current = feats;
    if (next !== 'tiles') {
      setPlaying(false);
      setMode(next, feats, fetchedBounds, fkey, hp);
    }
    renderSummary(matched, feats, st);
    updateExportLinks(bb);
    renderList(feats, matched);
    showModeLine(matched, feats.length);
    await Promise.all([tilesDrawn, chart]);
    if (inflight !== null && inflight !== ctrl) return false;
    // The last frame of a playback stays until the window is drawn so.
    hideFrames();
    document.body.setAttribute('data-loaded', String(Date.now()));
    enablePlaceLabels();
    if (app.filters.sel && !pendingSelDone) openPendingSelection();
    return true;
  } catch (e) {
    if (e && e.name === 'AbortError') return false;
    if (inflight === ctrl) inflight = null;
    setPlaying(false);
    hideFrames();
    enablePlaceLabels();
    if (e.status === 401) $('token-row').hidden = false;
    showStatus('Could not load incidents: ' + (e.message || e), true);
    return false;
  }
}

/**
 * heatmap loads the heat map points of the view's filters p at the map's
 * zoom: every match, summed by the server into cells (/api/heatmap).
 */
async function heatmap(p, signal) {
  const q = new URLSearchParams(p);
  q.set('zoom', String(Math.max(0, Math.round(app.map.getZoom()))));
  const r = await api('GET', '/api/heatmap?' + q.toString(), { signal });
  return r.body && Array.isArray(r.body.points) ? r.body.points : [];
}

/** pages loads features from u, following next links up to max features. */
async function pages(u, max, signal, feats = []) {
  const r = await api('GET', u, { signal });
  const fc = r.body || {};
  const fs = Array.isArray(fc.features) ? fc.features : [];
  feats = feats.concat(fs);
  const next = (fc.links || []).find((l) => l.rel === 'next' && l.href);
  if (next && fs.length && feats.length < max) {
    const nu = new URL(next.href, location.href);
    if (nu.origin === location.origin) return pages(nu.pathname + nu.search, max, signal, feats);
  }
  return feats;
}

let listCtrl = null;
/**
 * refreshPlayList loads the newest incidents of the window in view into
 * the side list, during playback: a shorter list, and no more than one
 * request at a time (a newer one aborts it).
 */
export async function refreshPlayList(matched) {
  if (listCtrl) listCtrl.abort();
  const ctrl = new AbortController();
  listCtrl = ctrl;
  const p = params();
  p.set('bbox', bboxParam());
  p.set('limit', String(PLAY_LIST_MAX));
  try {
    const feats = await pages('/api/incidents?' + p.toString(), PLAY_LIST_MAX, ctrl.signal);
    if (listCtrl !== ctrl || !isPlaying()) return;
    current = feats;
    renderList(feats, matched);
  } catch {
    // The next frame's list, or the full list once playback stops.
  } finally {
    if (listCtrl === ctrl) listCtrl = null;
  }
}

/** showTotals writes a playback frame's totals: the count and fatalities in view. */
export function showTotals(count, fatalities) {
  renderSummary(count, [], { count, fatalities });
  updateExportLinks(bboxParam());
}

/** A link with sel=ID opens that incident's popup once it is loaded. */
function openPendingSelection() {
  pendingSelDone = true;
  const id = app.filters.sel;
  if (hasMarker(id)) { selectIncident(id, false, current); return; }
  openIncidentPopup(id, null).catch(() => { app.filters.sel = ''; writeHash(); });
}

function renderSummary(matched, feats, st) {
  let fat = 0;
  for (const f of feats) fat += Number(f.properties && f.properties.fatalities) || 0;
  let partial = feats.length < matched;
  if (st && typeof st.fatalities === 'number' && (partial || st.count === matched)) { fat = st.fatalities; partial = false; }
  $('count').textContent = fmtInt(matched);
  $('count-label').textContent = matched === 1 ? 'incident in view' : 'incidents in view';
  $('fatalities').textContent = fmtInt(fat) + (partial ? '+' : '');
  $('count').setAttribute('data-count', String(matched));
}

function updateExportLinks(bbox) {
  const p = params();
  if (bbox) p.set('bbox', bbox);
  for (const fmt of ['geojson', 'csv']) {
    const q = new URLSearchParams(p);
    q.set('format', fmt);
    $('export-' + fmt).href = '/api/export?' + q.toString();
  }
}
