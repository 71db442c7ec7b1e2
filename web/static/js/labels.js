/**
 * labels: offline place names on the base map, from mapd's label tiles
 * (/tiles/places/{z}/{x}/{y}.geojson, from the embedded gazetteer):
 * capitals and large cities at low zoom, towns as the zoom grows, region
 * names up to zoom 8. They are placed with the country names, most
 * important first (capitals, countries, cities, regions, towns); a label
 * that would overlap one already placed is left out (a country name is
 * hidden).
 */
import { el } from './util.js';
import { app } from './context.js';
import { countryLabelsShown, setCountryLabelShown } from './map.js';
import { placeLabels } from './labelplace.js';
import { labelLanguage } from './state.js';

const TILE_SIZE = 256;
const CACHE_MAX = 600;
const cache = new Map(); // "z/x/y" -> Promise of features

let map = null, group = null;
let shown = new Map(); // geonameid -> {marker, name}
let generation = 0;
let enabled = false; // labels wait for the first incidents, so as not to hold up their requests
let measureCtx = null;

/** FONTS are the label styles by kind; the CSS classes k-<kind> match them. */
const FONTS = {
  capital: { font: '600 13px system-ui, sans-serif', size: 13, spacing: 0, upper: false },
  city: { font: '600 12px system-ui, sans-serif', size: 12, spacing: 0, upper: false },
  town: { font: '400 11px system-ui, sans-serif', size: 11, spacing: 0, upper: false },
  region: { font: 'italic 400 11px system-ui, sans-serif', size: 11, spacing: 1.2, upper: true },
  country: { font: '500 11px system-ui, sans-serif', size: 11, spacing: 0.3, upper: false },
  countryBig: { font: '500 12.5px system-ui, sans-serif', size: 13, spacing: 1, upper: true },
};

function textWidth(text, kind) {
  const f = FONTS[kind] || FONTS.town;
  if (!measureCtx) measureCtx = document.createElement('canvas').getContext('2d');
  measureCtx.font = f.font;
  const t = f.upper ? text.toUpperCase() : text;
  return measureCtx.measureText(t).width + f.spacing * t.length;
}

/** initPlaceLabels draws place labels on map inside the layer group parent. */
export function initPlaceLabels(m, parent) {
  if (!app.config.place_labels) return;
  map = m;
  group = L.layerGroup().addTo(parent);
  map.on('moveend', update);
  map.on('zoomstart', () => { generation++; });
}

/** refreshPlaceLabels places the labels again (the country names changed). */
export function refreshPlaceLabels() {
  if (map && enabled) update();
}

/**
 * enablePlaceLabels starts drawing the labels: the loader calls it once
 * the first incidents are drawn, so that the label tiles do not compete
 * with them for the browser's connections.
 */
export function enablePlaceLabels() {
  if (enabled) return;
  enabled = true;
  refreshPlaceLabels();
}

function fetchTile(z, x, y) {
  const lang = labelLanguage(app.filters.lang, navigator.language);
  const path = z + '/' + x + '/' + y;
  const key = path + '@' + lang;
  let p = cache.get(key);
  if (p) {
    cache.delete(key);
    cache.set(key, p);
    return p;
  }
  p = fetch('/tiles/places/' + path + '.geojson' + (lang ? '?lang=' + encodeURIComponent(lang) : ''), { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : { features: [] }))
    .then((fc) => (Array.isArray(fc.features) ? fc.features : []))
    .catch(() => { cache.delete(key); return []; });
  cache.set(key, p);
  while (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value);
  return p;
}

/** update fetches the label tiles of the view and places their labels. */
async function update() {
  if (!enabled) return;
  const gen = ++generation;
  const z = Math.max(0, Math.round(map.getZoom()));
  const pb = map.getPixelBounds();
  const n = 1 << z;
  const x0 = Math.floor(pb.min.x / TILE_SIZE), x1 = Math.floor(pb.max.x / TILE_SIZE);
  const y0 = Math.max(0, Math.floor(pb.min.y / TILE_SIZE)), y1 = Math.min(n - 1, Math.floor(pb.max.y / TILE_SIZE));
  const jobs = [];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (x < 0 || x >= n) continue;
      jobs.push(fetchTile(z, x, y));
    }
  }
  const tiles = await Promise.all(jobs);
  if (gen !== generation || !map) return;
  draw(tiles.flat());
}

function draw(features) {
  const size = map.getSize();
  const candidates = [];
  for (const f of features) {
    const p = f.properties || {};
    const c = f.geometry && f.geometry.coordinates;
    if (!c || !p.name) continue;
    const pt = map.latLngToContainerPoint([c[1], c[0]]);
    const font = FONTS[p.kind] || FONTS.town;
    candidates.push({ id: String(f.id), name: p.name, kind: p.kind, population: p.population || 0,
      lat: c[1], lon: c[0], x: pt.x, y: pt.y, w: textWidth(p.name, p.kind), h: font.size + 3 });
  }
  // Country names take part: after the capitals, before the other places.
  const countries = countryLabelsShown();
  for (const l of countries) {
    const pt = map.latLngToContainerPoint([l.lat, l.lon]);
    candidates.push({ id: 'country:' + l.name, name: l.name, kind: 'country', population: 1e12 - l.rank, country: l,
      x: pt.x, y: pt.y, w: textWidth(l.name, l.big ? 'countryBig' : 'country'), h: l.big ? 16 : 14 });
  }
  const placed = placeLabels(candidates, { width: size.x, height: size.y, max: 250 + countries.length });
  const countryShown = new Set();
  for (const c of placed) if (c.kind === 'country') countryShown.add(c.country);
  for (const l of countries) setCountryLabelShown(l, countryShown.has(l));
  const next = new Map();
  for (const c of placed) {
    if (c.kind === 'country') continue;
    let s = shown.get(c.id);
    if (!s || s.name !== c.name) {
      const html = c.kind === 'region'
        ? el('span', { class: 'pl-text', dir: 'auto', text: c.name })
        : el('span', { class: 'pl-text', dir: 'auto' }, [el('i', { class: 'pl-dot', 'aria-hidden': 'true' }), c.name]);
      s = {
        name: c.name,
        marker: L.marker([c.lat, c.lon], {
          pane: 'labels', interactive: false, keyboard: false,
          icon: L.divIcon({ className: 'place-label k-' + (FONTS[c.kind] ? c.kind : 'town'), html, iconSize: null }),
        }),
      };
    }
    next.set(c.id, s);
    if (!group.hasLayer(s.marker)) group.addLayer(s.marker);
    const e = s.marker.getElement();
    if (e) e.setAttribute('data-name', c.name);
  }
  for (const [id, s] of shown) if (!next.has(id)) group.removeLayer(s.marker);
  shown = next;
  map.getContainer().setAttribute('data-place-labels', String(next.size));
}
