/**
 * map: the Leaflet map, its offline base map, and the incidents drawn as
 * markers (clustered in the browser) or as a heatmap; the popups and the
 * selected incident. Vector tiles are in tiles.js, place labels in labels.js.
 */
import { $, el, fmtInt, escapeHTML, debounce, featureId, featureLatLng, showStatus } from './util.js';
import { app } from './context.js';
import { api } from './api.js';
import { allTypes, typeOf } from './types.js';
import { buildPopup, POPUP_OPTIONS } from './popup.js';
import { writeHash, scheduleRefresh } from './loader.js';
import { currentTileLayer, tileFeatureAt, onTileFeatureClick, onTileHover } from './tiles.js';
import { initPlaceLabels, refreshPlaceLabels } from './labels.js';
import { onMapClickEdit } from './editor.js';
import { markSelected } from './list.js';
import { HEAT_OPTIONS, heatData } from './heat.js';
import { labelLanguage } from './state.js';

let clusters, heat, offline, countryLayer, placePin = null;
// How incidents are drawn: 'points' (GeoJSON markers, clustered in the
// browser), 'tiles' (vector tiles, clustered by the server) or 'heat'.
let mode = 'points';
let playing = false; // playback draws the incidents (playback.js): no incident layer is shown
let markers = new Map(); // id -> {marker, feature, ll, key}
let lastFilterKey = null;
const KEEP_MAX = 20000; // markers kept outside the view while the filters stay the same
const countryLabels = [];
let countryLang = ''; // the language of the country names drawn ('' = the base map's English)

export function currentMode() { return mode; }

/**
 * cancelHeatFrames makes a heat layer taken off the map drop the redraw
 * it had asked for: leaflet.heat 0.2.0 draws it anyway, on no map, and
 * throws.
 */
let heatPatched = false;
function cancelHeatFrames() {
  if (heatPatched || !L.HeatLayer) return;
  heatPatched = true;
  const onRemove = L.HeatLayer.prototype.onRemove;
  L.HeatLayer.prototype.onRemove = function (map) {
    if (this._frame) {
      L.Util.cancelAnimFrame(this._frame);
      this._frame = null;
    }
    return onRemove.call(this, map);
  };
}

/**
 * setHeat draws heat map points (see heatData) on layer. Off the map
 * leaflet.heat cannot redraw (it throws): the points and the scale are
 * kept for its next onAdd, which draws them.
 */
function setHeat(layer, points) {
  const d = heatData(points);
  if (layer._map) {
    layer.setOptions({ max: d.max });
    layer.setLatLngs(d.latlngs);
    return;
  }
  L.setOptions(layer, { max: d.max });
  layer._latlngs = d.latlngs;
  if (layer._heat) layer._heat.max(d.max);
}

/** worldZoom is the smallest zoom at which one world fills the map. */
function worldZoom() {
  const w = Math.max($('map').clientWidth, $('map').clientHeight) || 1024;
  return Math.max(1, Math.min(3, Math.ceil(Math.log(w / 256) / Math.LN2)));
}

export function initMap(view) {
  const config = app.config;
  const map = L.map('map', {
    // The offline base map has no detail beyond town level: without a tile
    // server, zooming further only spreads markers apart.
    center: [view.lat, view.lon], zoom: view.z, minZoom: worldZoom(), maxZoom: config.tiles_url ? 18 : 13,
    // One world: the vector base map is not repeated east or west of it.
    maxBounds: L.latLngBounds([-85, -180], [85, 180]), maxBoundsViscosity: 1,
    zoomControl: true, keyboard: true,
  });
  app.map = map;
  window.addEventListener('resize', debounce(() => map.setMinZoom(worldZoom()), 200));
  map.attributionControl.addAttribution('Base map: <a href="https://www.naturalearthdata.com/">Natural Earth</a>');
  map.attributionControl.addAttribution('Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)');
  // Panes: the offline base map sits under every overlay (the heatmap
  // included), place names above the heatmap and under the markers.
  for (const [name, z, events] of [['basemap', 250, false], ['labels', 450, false], ['incidentTiles', 460, true]]) {
    map.createPane(name);
    map.getPane(name).style.zIndex = z;
    if (!events) map.getPane(name).style.pointerEvents = 'none';
  }

  offline = L.layerGroup();
  countryLayer = L.layerGroup().addTo(offline);
  if (config.tiles_url) {
    const tiles = L.tileLayer(config.tiles_url, {
      maxZoom: 19,
      attribution: config.tiles_attribution ? escapeHTML(config.tiles_attribution) : 'Tiles: ' + escapeHTML(new URL(config.tiles_url.replace(/[{}]/g, ''), location.href).host),
    }).addTo(map);
    L.control.layers({ 'Map tiles': tiles, 'Offline outlines': offline }, null, { position: 'topright' }).addTo(map);
  } else {
    offline.addTo(map);
  }

  clusters = L.markerClusterGroup({
    showCoverageOnHover: false, maxClusterRadius: 50, spiderfyOnMaxZoom: true, chunkedLoading: true, iconCreateFunction: clusterIcon,
  });
  clusters.addTo(map);
  // The heat map draws /api/heatmap's cells, already summed by the
  // server: maxZoom 0 keeps leaflet.heat from scaling them by zoom.
  heat = L.heatLayer([], HEAT_OPTIONS);
  cancelHeatFrames();

  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  addModeLine();
  addLegend();
  loadBasemap();
  initPlaceLabels(map, offline);

  map.on('moveend', () => { writeHash(); scheduleRefresh(); });
  map.on('zoomend', updateCountryLabels);
  map.on('popupopen', (e) => {
    if (placePin) { map.removeLayer(placePin); placePin = null; }
    const id = e.popup && e.popup.options && e.popup.options.incidentId;
    if (id) { app.filters.sel = id; writeHash(); markSelected(id); }
  });
  map.on('popupclose', (e) => {
    const id = e.popup && e.popup.options && e.popup.options.incidentId;
    if (id && app.filters.sel === id) { app.filters.sel = ''; writeHash(); markSelected(''); }
  });
  map.on('click', (e) => {
    const hit = tileFeatureAt(e.layerPoint);
    if (hit) { onTileFeatureClick(hit.feature, hit.renderer); return; }
    onMapClickEdit(e);
  });
  map.on('mousemove', debounce(onTileHover, 30));
  return map;
}

/** setPlacePin shows a located place (one at a time). */
export function setPlacePin(layer) {
  if (placePin) app.map.removeLayer(placePin);
  placePin = layer;
  if (layer) layer.addTo(app.map);
}

async function loadBasemap() {
  try {
    const r = await fetch('/static/basemap/countries.json');
    if (!r.ok) throw new Error('base map: HTTP ' + r.status);
    const gj = await r.json();
    const renderer = L.canvas({ padding: 0.5, pane: 'basemap' });
    offline.addLayer(L.geoJSON(gj, {
      renderer, pane: 'basemap', interactive: false,
      style: { color: '#9c978d', weight: 0.7, fillColor: '#f4f2ec', fillOpacity: 1 },
    }));
    for (const f of gj.features) {
      const p = f.properties || {};
      if (!p.label || !p.name) continue;
      const span = el('span', { text: p.name, dir: 'auto' });
      const m = L.marker([p.label[1], p.label[0]], {
        pane: 'labels', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'country-label' + (p.rank <= 40 ? ' big' : ''), html: span, iconSize: null }),
      });
      countryLabels.push({ marker: m, span, id: p.id, english: p.name, name: p.name, rank: p.rank || 999,
        lat: p.label[1], lon: p.label[0], big: p.rank <= 40 });
    }
    updateCountryLabels();
    if (!(await localizeCountryNames())) refreshPlaceLabels();
  } catch (e) {
    showStatus(String(e.message || e), true);
  }
}

/**
 * localizeCountryNames names the countries in the map's language (the
 * link's lang, else the browser's) when the server has their names in it
 * (/api/config's country_name_languages), else in English. It reports
 * whether the names changed; the place labels are then placed again.
 */
export async function localizeCountryNames() {
  const lang = labelLanguage(app.filters.lang, navigator.language).split('-')[0].toLowerCase();
  const known = (app.config.country_name_languages || []).includes(lang) ? lang : '';
  if (known === countryLang || !countryLabels.length) return false;
  let names = {};
  if (known) {
    try {
      const r = await fetch('/static/basemap/names/' + known + '.json', { credentials: 'same-origin' });
      if (r.ok) names = await r.json();
    } catch { /* English names stay */ }
  }
  countryLang = known;
  for (const l of countryLabels) {
    l.name = names[l.id] || l.english;
    l.span.textContent = l.name;
  }
  refreshPlaceLabels();
  return true;
}

/** countryLabelsShown returns the country names on the map at this zoom, for the place labels to place with theirs. */
export function countryLabelsShown() {
  return countryLabels.filter((l) => countryLayer.hasLayer(l.marker));
}

/** setCountryLabelShown shows or hides a country name that is on the map (hidden: it would overlap a place's). */
export function setCountryLabelShown(l, on) {
  const e = l.marker.getElement();
  if (e) e.classList.toggle('covered', !on);
}

/** Country names: the biggest first, all of them from zoom 5. */
function updateCountryLabels() {
  if (!countryLayer) return;
  const z = app.map.getZoom();
  const max = z < 3 ? 12 : z < 4 ? 45 : z < 5 ? 120 : 1000;
  for (const l of countryLabels) {
    const show = l.rank <= max;
    if (show && !countryLayer.hasLayer(l.marker)) countryLayer.addLayer(l.marker);
    else if (!show && countryLayer.hasLayer(l.marker)) countryLayer.removeLayer(l.marker);
  }
}

/** addModeLine adds the line that says how the incidents are drawn. */
function addModeLine() {
  const ModeLine = L.Control.extend({
    options: { position: 'bottomleft' },
    onAdd() {
      const d = el('div', { class: 'mode-line', id: 'mode', role: 'status', 'aria-live': 'polite' });
      L.DomEvent.disableClickPropagation(d);
      return d;
    },
  });
  new ModeLine().addTo(app.map);
}

export function showModeLine(matched, drawn) {
  const line = $('mode');
  if (!line) return;
  const n = fmtInt(matched) + (matched === 1 ? ' incident' : ' incidents');
  let how = 'showing points';
  if (mode === 'tiles') how = 'showing tiles';
  else if (mode === 'heat') how = 'heatmap of every match';
  line.textContent = n + ': ' + how;
  line.setAttribute('data-mode', mode);
}

/** showPlayLine says that playback draws a window of matched incidents. */
export function showPlayLine(matched) {
  const line = $('mode');
  if (!line) return;
  line.textContent = fmtInt(matched) + (matched === 1 ? ' incident' : ' incidents') + ': playing';
  line.setAttribute('data-mode', 'playback');
}

let legendBox = null;
function addLegend() {
  const Legend = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd() {
      legendBox = el('div', { class: 'legend', role: 'group', 'aria-label': 'Legend' });
      renderLegend();
      L.DomEvent.disableClickPropagation(legendBox);
      return legendBox;
    },
  });
  new Legend().addTo(app.map);
}

/** renderLegend lists the event types and their colours. */
export function renderLegend() {
  if (!legendBox) return;
  legendBox.replaceChildren(el('h3', { text: 'Event type' }));
  for (const t of allTypes()) {
    if (t.other && !t.names.length) continue;
    legendBox.appendChild(el('div', null, [el('span', { class: 'swatch t-' + t.key, 'aria-hidden': 'true' }), t.name]));
  }
}

export function markerSize(fat) {
  fat = Number(fat) || 0;
  return fat <= 0 ? 12 : Math.min(28, Math.round(13 + 4 * Math.log(1 + fat)));
}

function clusterIcon(cluster) {
  const children = cluster.getAllChildMarkers();
  const n = children.length, byType = {};
  let fat = 0;
  for (const m of children) {
    fat += Number(m.options.fatalities) || 0;
    byType[m.options.typeKey] = (byType[m.options.typeKey] || 0) + 1;
  }
  // A conic gradient ring shows the event-type mix of the cluster.
  const stops = [];
  let acc = 0;
  for (const t of allTypes()) {
    const c = byType[t.key];
    if (!c) continue;
    stops.push(t.color + ' ' + (acc / n * 100).toFixed(1) + '% ' + ((acc + c) / n * 100).toFixed(1) + '%');
    acc += c;
  }
  const size = n < 10 ? 36 : n < 100 ? 44 : n < 1000 ? 52 : 60;
  const outer = el('div', { class: 'cluster' });
  outer.style.width = size + 'px';
  outer.style.height = size + 'px';
  outer.style.background = 'conic-gradient(' + stops.join(',') + ')';
  const inner = el('div', { class: 'cluster-in' }, [el('b', { text: fmtInt(n) })]);
  if (fat > 0) inner.appendChild(el('small', { text: '† ' + fmtInt(fat), title: fat + ' fatalities' }));
  outer.appendChild(inner);
  outer.setAttribute('title', fmtInt(n) + ' incidents, ' + fmtInt(fat) + ' fatalities');
  return L.divIcon({ html: outer, className: 'cluster-icon', iconSize: L.point(size, size) });
}

function makeMarker(f, ll) {
  const p = f.properties || {};
  const t = typeOf(p.event_type);
  const s = markerSize(p.fatalities);
  const id = featureId(f);
  const m = L.marker(ll, {
    icon: L.divIcon({ className: 'inc-marker t-' + t.key, iconSize: [s, s] }),
    title: (p.date || '') + ' ' + (p.event_type || '') + (p.place ? ' — ' + p.place : ''),
    alt: p.event_type || 'incident',
    keyboard: true, riseOnHover: true,
    fatalities: Number(p.fatalities) || 0, typeKey: t.key,
  });
  const entry = { marker: m, feature: f, ll, key: p.updated_at };
  m.bindPopup(() => buildPopup(entry.feature), { ...POPUP_OPTIONS, incidentId: id });
  return entry;
}

function popupOpenFor(id) {
  let open = false;
  app.map.eachLayer((l) => {
    if (l instanceof L.Popup && l.options.incidentId === id && app.map.hasLayer(l)) open = true;
  });
  const e = markers.get(id);
  if (e && e.marker.isPopupOpen && e.marker.isPopupOpen()) open = true;
  return open;
}

/**
 * syncMarkers makes the map's markers those of feats, fetched for bounds
 * with the filters fkey, keeping markers whose incident did not change (so
 * an open popup stays open). Markers outside bounds stay while the filters
 * are the same (panning back needs no redraw, and a spread-out cluster
 * holding the open popup is not rebuilt); the open popup is reopened if
 * the update closed it anyway.
 */
function syncMarkers(feats, bounds, fkey) {
  const sameFilters = fkey === lastFilterKey;
  lastFilterKey = fkey;
  const sel = app.filters.sel;
  const selOpen = sel && popupOpenFor(sel) ? sel : '';
  const next = new Map();
  const add = [], remove = [];
  for (const f of feats) {
    const id = featureId(f), ll = featureLatLng(f);
    if (id === null || !ll) continue;
    const old = markers.get(id);
    const key = f.properties && f.properties.updated_at;
    // Compare with the incident's own point: a spread-out (spiderfied)
    // marker is drawn elsewhere for a while.
    if (old && old.key === key && old.ll.equals(ll)) {
      old.feature = f;
      next.set(id, old);
      continue;
    }
    const e = makeMarker(f, ll);
    next.set(id, e);
    add.push(e.marker);
    if (old) remove.push(old.marker);
  }
  let kept = 0;
  for (const [id, e] of markers) {
    if (next.has(id)) continue;
    if (sameFilters && bounds && !bounds.contains(e.ll) && next.size + kept < KEEP_MAX) {
      next.set(id, e);
      kept++;
      continue;
    }
    remove.push(e.marker);
  }
  if (remove.length) clusters.removeLayers(remove);
  if (add.length) clusters.addLayers(add);
  markers = next;
  if (selOpen && !popupOpenFor(selOpen) && markers.has(selOpen)) selectIncident(selOpen, false);
  else if (app.filters.sel) markSelected(app.filters.sel);
}

/**
 * showLayers puts the incident layer of the current mode on the map and
 * takes the other two off, so that one of them at most is drawn (none
 * while playback draws).
 */
export function showLayers() {
  const map = app.map;
  const tl = currentTileLayer();
  const want = playing ? null : mode === 'heat' ? heat : mode === 'tiles' ? tl : clusters;
  for (const l of [clusters, heat, tl]) {
    if (!l) continue;
    if (l === want) {
      if (!map.hasLayer(l)) l.addTo(map);
    } else if (map.hasLayer(l)) {
      map.removeLayer(l);
    }
  }
}

/** setPlaying hides the incident layers while playback draws the incidents (on), and shows them again. */
export function setPlaying(on) {
  playing = on;
  showLayers();
}

/**
 * setMode draws the incidents of a view: feats as markers (next
 * 'points'), or heatPoints, every match of the view from /api/heatmap, as
 * a heat map (next 'heat'); in tile mode the tiles are drawn by tiles.js.
 * The markers let go in the last two.
 */
export function setMode(next, feats, bounds, fkey, heatPoints) {
  mode = next;
  if (next === 'tiles' || next === 'heat') {
    if (markers.size) clusters.clearLayers();
    markers = new Map();
    lastFilterKey = null;
    setHeat(heat, next === 'heat' ? heatPoints : []);
    showLayers();
    return;
  }
  setHeat(heat, []);
  syncMarkers(feats, bounds, fkey);
  showLayers();
}

// ---- selection ---------------------------------------------------------------

/** openIncidentPopup fetches an incident and opens its popup at its place (or at ll). */
export async function openIncidentPopup(id, ll) {
  const r = await api('GET', '/api/incidents/' + encodeURIComponent(id));
  const f = r.body, at = (f && featureLatLng(f)) || ll;
  if (!f || !at) return;
  L.popup({ ...POPUP_OPTIONS, incidentId: id }).setLatLng(at).setContent(buildPopup(f)).openOn(app.map);
}

function flyThenOpen(ll, fly, open) {
  const map = app.map;
  const z = Math.max(map.getZoom(), 9);
  if (fly && (map.getZoom() < z || !map.getBounds().pad(-0.1).contains(ll))) {
    map.once('moveend', () => open());
    map.flyTo(ll, z, { duration: 0.8 });
  } else {
    open();
  }
}

/** selectIncident flies to an incident and opens its popup; features are the side list's. */
export function selectIncident(id, fly, features) {
  const map = app.map;
  const e = markers.get(id);
  if (!e) {
    const f = (features || []).find((x) => featureId(x) === id);
    const ll = f && featureLatLng(f);
    if (!ll) return;
    app.filters.sel = id;
    markSelected(id);
    flyThenOpen(ll, fly, () => L.popup({ ...POPUP_OPTIONS, incidentId: id }).setLatLng(ll).setContent(buildPopup(f)).openOn(map));
    return;
  }
  const ll = e.ll;
  const standalone = () => L.popup({ ...POPUP_OPTIONS, incidentId: id }).setLatLng(ll).setContent(buildPopup(e.feature)).openOn(map);
  // Show the marker itself when it is inside a cluster: zoom in, or at the
  // last zoom level spread the cluster out; retry while the cluster layer
  // is still animating, and fall back to a popup at the point.
  const open = (tries = 12) => {
    const m = e.marker;
    if (mode === 'heat' || !map.hasLayer(clusters)) { standalone(); return; }
    const parent = clusters.getVisibleParent(m);
    if (parent === m) { m.openPopup(); return; }
    if (tries <= 0) { standalone(); return; }
    if (parent && parent.spiderfy && map.getZoom() >= map.getMaxZoom()) {
      parent.spiderfy();
      setTimeout(() => open(tries - 1), 250);
      return;
    }
    if (tries === 12) {
      let done = false;
      clusters.zoomToShowLayer(m, () => { done = true; m.openPopup(); });
      setTimeout(() => { if (!done) open(tries - 1); }, 1500);
      return;
    }
    setTimeout(() => open(tries - 1), 250);
  };
  app.filters.sel = id;
  markSelected(id);
  flyThenOpen(ll, fly, () => open());
}

/** hasMarker reports whether an incident is drawn as a marker now. */
export function hasMarker(id) { return markers.has(id); }
