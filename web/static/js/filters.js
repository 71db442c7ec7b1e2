/**
 * filters: the filter form (dates, event types, actor, text, fatalities,
 * heatmap), zooming to the data, and what /api/stats says about the data
 * (its date range and event types).
 */
import { $, el, clear, fmtInt, debounce, featureLatLng, showStatus } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { allTypes, buildTypes, setTypes, typeCSS } from './types.js';
import { isDate } from './state.js';
import { refresh, writeHash, params } from './loader.js';
import { renderLegend } from './map.js';
import { syncSlider, stop, redrawTimeline } from './timeline.js';

const PAGE_LIMIT = 5000;

/** applyTypes makes the map's event types those of the config plus extra (the data's). */
export function applyTypes(extra) {
  const list = buildTypes(app.config.event_types, app.config.event_colors, extra);
  setTypes(list);
  let st = $('type-colors');
  if (!st) {
    st = el('style', { id: 'type-colors' });
    document.head.appendChild(st);
  }
  st.textContent = typeCSS(list);
  renderLegend();
}

export function buildTypeFilters(counts) {
  const box = $('f-types');
  clear(box);
  for (const t of allTypes()) {
    if (t.other && !t.names.length) continue;
    const cb = el('input', { type: 'checkbox', value: t.key, 'data-type': t.name });
    cb.checked = !app.filters.types || app.filters.types.has(t.key);
    cb.addEventListener('change', onTypesChange);
    const n = counts ? counts[t.key] : undefined;
    const lab = el('label', null, [cb, el('span', { class: 'swatch t-' + t.key, 'aria-hidden': 'true' }), t.name,
      n !== undefined ? el('span', { class: 'n', text: fmtInt(n) }) : null]);
    if (t.other && t.names.length) lab.title = t.names.join(', ');
    box.appendChild(lab);
  }
  const dl = $('type-options');
  clear(dl);
  for (const t of allTypes()) for (const n of t.names) dl.appendChild(el('option', { value: n }));
}

function onTypesChange() {
  const boxes = $('f-types').querySelectorAll('input[type=checkbox]');
  const on = new Set();
  for (const b of boxes) if (b.checked) on.add(b.value);
  app.filters.types = on.size === boxes.length ? null : on;
  filtersChanged();
}

export function filtersChanged() {
  writeHash();
  syncSlider();
  refresh();
}

export function syncFilterInputs() {
  const f = app.filters;
  syncDateInputs();
  $('f-actor').value = f.actor;
  $('f-q').value = f.q;
  $('f-minf').value = f.minf;
  $('f-heat').checked = f.heat;
  for (const b of $('f-types').querySelectorAll('input[type=checkbox]')) b.checked = !f.types || f.types.has(b.value);
}

/** syncDateInputs puts the window's dates in the From and To inputs. */
export function syncDateInputs() {
  $('f-from').value = app.filters.from;
  $('f-to').value = app.filters.to;
}

export function initFilters() {
  const f = app.filters;
  const typed = debounce(filtersChanged, 400);
  for (const [id, k] of [['f-from', 'from'], ['f-to', 'to']]) {
    $(id).addEventListener('change', (e) => {
      stop();
      f[k] = isDate(e.target.value) ? e.target.value : '';
      filtersChanged();
    });
  }
  for (const [id, k] of [['f-actor', 'actor'], ['f-q', 'q'], ['f-minf', 'minf']]) {
    $(id).addEventListener('input', (e) => { f[k] = e.target.value.trim(); typed(); });
  }
  $('f-heat').addEventListener('change', (e) => { f.heat = e.target.checked; writeHash(); refresh(); });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); filtersChanged(); });
  $('f-reset').addEventListener('click', () => {
    stop();
    f.from = f.to = f.actor = f.q = f.minf = '';
    f.types = null;
    syncFilterInputs();
    filtersChanged();
  });
  $('f-fit').addEventListener('click', () => fitToData(false));
}

/** fitToData zooms to every incident matching the filters (any place). */
export async function fitToData(initial) {
  const map = app.map;
  const p = params();
  p.set('limit', String(PAGE_LIMIT));
  try {
    const r = await api('GET', '/api/incidents?' + p.toString());
    const pts = ((r.body && r.body.features) || []).map(featureLatLng).filter(Boolean);
    if (!pts.length) {
      if (initial === true) refresh(); else showStatus('No incidents match the filters.');
      return;
    }
    const b = L.latLngBounds(pts).pad(0.15);
    if (initial === true) {
      const before = map.getCenter().toString() + map.getZoom();
      map.fitBounds(b, { maxZoom: 8, animate: false });
      if (before === map.getCenter().toString() + map.getZoom()) refresh();
    } else {
      map.flyToBounds(b, { maxZoom: 10, duration: 0.8 });
    }
  } catch (e) {
    showStatus(e.message, true);
    if (initial === true) refresh();
  }
}

/**
 * loadStats learns the data's date range (for the slider and the date
 * inputs) and which event types exist, with their counts.
 */
export async function loadStats() {
  let s;
  try {
    s = (await api('GET', '/api/stats')).body || {};
  } catch {
    return; // stats are optional for the map
  }
  const minD = String(s.min_date || '').slice(0, 10), maxD = String(s.max_date || '').slice(0, 10);
  if (isDate(minD) && isDate(maxD)) {
    app.range = { min: minD, max: maxD };
    $('f-from').min = $('f-to').min = minD;
    $('f-from').max = $('f-to').max = maxD;
    $('f-from').placeholder = minD;
    $('f-to').placeholder = maxD;
  }
  const byType = Array.isArray(s.by_event_type) ? s.by_event_type : [];
  const names = byType.map((x) => x.key).filter(Boolean);
  applyTypes(names);
  const counts = {};
  for (const x of byType) {
    const k = allTypes().find((t) => t.names.includes(x.key)) || allTypes()[allTypes().length - 1];
    counts[k.key] = (counts[k.key] || 0) + (x.count || 0);
  }
  buildTypeFilters(names.length ? counts : null);
  syncSlider();
  redrawTimeline();
}
