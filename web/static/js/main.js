/**
 * main: starts the map. Native ES modules, no build step and no inline
 * code (the page runs under a Content-Security-Policy without
 * 'unsafe-inline'); Leaflet and its plugins are classic scripts loaded
 * before this one. The only hosts contacted are this server and, when the
 * operator configured one, the raster tile server.
 */
import { $, showStatus } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { parseHash } from './state.js';
import { initMap, localizeCountryNames } from './map.js';
import { refresh, writeHash, reopenSelection } from './loader.js';
import { applyTypes, buildTypeFilters, initFilters, syncFilterInputs, fitToData, loadStats } from './filters.js';
import { initTimeline, syncSlider, stop, playback } from './timeline.js';
import { initLocate } from './locate.js';
import { initEditor } from './editor.js';
import { initDrop } from './import.js';
import { initReport } from './report.js';
import { initPanel } from './panel.js';

const DEFAULT_VIEW = { z: 2, lat: 25, lon: 20 };

async function start() {
  if (typeof L === 'undefined') { showStatus('Map library failed to load.', true, true); return; }
  const { view: hashView, filters } = parseHash(location.hash);
  app.filters = filters;
  initPanel();
  applyTypes([]);
  buildTypeFilters(null);
  syncFilterInputs();
  initFilters();
  initLocate();
  initEditor();
  initDrop();
  initTimeline();
  initReport();
  // For the browser tests and the benchmark: the figures of the last playback.
  window.__mapdPlayback = playback;

  let c = {};
  try { c = (await api('GET', '/api/config')).body || {}; } catch { /* defaults */ }
  Object.assign(app.config, c);
  if (c.version) $('version').textContent = 'mapd ' + c.version;
  $('write-block').hidden = !app.config.writable;
  $('token-row').hidden = !(app.config.auth_required || app.config.read_auth_required);
  applyTypes([]);
  buildTypeFilters(null);
  syncFilterInputs();
  initMap(hashView || DEFAULT_VIEW);
  writeHash();
  if (hashView && !app.filters.types) {
    // A link with a view: the incidents load while the data's range and
    // event types do (a type filter needs the data's types first).
    refresh();
    await loadStats();
    syncFilterInputs();
  } else {
    await loadStats();
    syncFilterInputs();
    // A fresh visit (no view in the link) starts on the data.
    if (!hashView) fitToData(true);
    else refresh();
  }

  window.addEventListener('hashchange', () => {
    const { view, filters: f } = parseHash(location.hash);
    stop();
    Object.assign(app.filters, f);
    syncFilterInputs();
    syncSlider();
    reopenSelection();
    if (view) app.map.setView([view.lat, view.lon], view.z);
    localizeCountryNames();
    refresh();
  });
}

start();
