/*
 * mapd map application.
 *
 * Plain JavaScript, no build step, no inline code (the page runs under a
 * Content-Security-Policy without 'unsafe-inline'). Every value that comes
 * from the API is put into the page as text (textContent / text nodes),
 * never parsed as HTML. The only hosts contacted are this server and, when
 * the operator configured one, the raster tile server.
 */
(function () {
  'use strict';

  // ---- constants -----------------------------------------------------------

  /** ACLED's six event types, plus "other" for anything else. */
  var TYPES = [
    { key: 'battles', name: 'Battles', cls: 't-battles', color: '#c62828' },
    { key: 'explosions', name: 'Explosions/Remote violence', cls: 't-explosions', color: '#ef6c00' },
    { key: 'vac', name: 'Violence against civilians', cls: 't-vac', color: '#8e24aa' },
    { key: 'protests', name: 'Protests', cls: 't-protests', color: '#1e6fd9' },
    { key: 'riots', name: 'Riots', cls: 't-riots', color: '#d4a100' },
    { key: 'strategic', name: 'Strategic developments', cls: 't-strategic', color: '#2e7d32' },
    { key: 'other', name: 'Other', cls: 't-other', color: '#6d6d6d' }
  ];
  var TYPE_BY_NAME = {};
  TYPES.forEach(function (t) { TYPE_BY_NAME[t.name.toLowerCase()] = t; });
  var OTHER = TYPES[TYPES.length - 1];

  var PAGE_LIMIT = 5000;     // features asked per request: one request fills a view
  var MAX_FEATURES = 5000;   // features kept for one view (pages followed up to this)
  var LIST_MAX = 400;        // rows rendered in the side list
  var TILE_URL = '/tiles/incidents/{z}/{x}/{y}.mvt';
  var DEFAULT_VIEW = { z: 2, lat: 25, lon: 20 };

  // ---- small helpers -------------------------------------------------------

  function $(id) { return document.getElementById(id); }

  /** el builds an element; children are nodes or strings (added as text). */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else e.setAttribute(k, v === true ? '' : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === '') return;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function typeOf(name) {
    return TYPE_BY_NAME[String(name || '').toLowerCase()] || OTHER;
  }

  function fmtInt(n) {
    return Number(n || 0).toLocaleString('en-US');
  }

  function isHttpURL(s) {
    try {
      var u = new URL(String(s));
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch (e) {
      return false;
    }
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function featureId(f) {
    if (f.id !== undefined && f.id !== null) return String(f.id);
    if (f.properties && f.properties.id !== undefined) return String(f.properties.id);
    return null;
  }

  function featureLatLng(f) {
    if (f.geometry && f.geometry.type === 'Point' && Array.isArray(f.geometry.coordinates)) {
      return L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
    }
    var p = f.properties || {};
    if (typeof p.lat === 'number' && typeof p.lon === 'number') return L.latLng(p.lat, p.lon);
    return null;
  }

  var statusTimer;
  function showStatus(msg, isError, sticky) {
    var s = $('status');
    clearTimeout(statusTimer);
    if (!msg) { s.hidden = true; return; }
    s.textContent = msg;
    s.classList.toggle('error', !!isError);
    s.hidden = false;
    if (!sticky) statusTimer = setTimeout(function () { s.hidden = true; }, isError ? 6000 : 2500);
  }

  // ---- API -----------------------------------------------------------------

  var TOKEN_KEY = 'mapd.token';

  function authHeaders(h) {
    h = h || {};
    var tok = '';
    try { tok = sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { /* storage disabled */ }
    if (tok) h['Authorization'] = 'Bearer ' + tok;
    return h;
  }

  /** APIError carries the server's {"error","field"} body. */
  function APIError(status, body) {
    this.status = status;
    this.message = (body && body.error) || ('HTTP ' + status);
    this.field = (body && body.field) || '';
  }

  function api(method, path, opts) {
    opts = opts || {};
    var init = { method: method, headers: authHeaders(opts.headers || {}), signal: opts.signal };
    if (opts.json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(opts.json);
    } else if (opts.body !== undefined) {
      init.body = opts.body;
    }
    return fetch(path, init).then(function (res) {
      if (res.status === 204) return { res: res, body: null };
      var ct = res.headers.get('Content-Type') || '';
      var p = ct.indexOf('json') >= 0 ? res.json().catch(function () { return null; }) : res.text().then(function () { return null; });
      return p.then(function (body) {
        if (!res.ok) throw new APIError(res.status, body);
        return { res: res, body: body };
      });
    });
  }

  // ---- state and URL ------------------------------------------------------

  var state = {
    from: '', to: '', types: null /* null = all; else Set of keys */,
    actor: '', q: '', minf: '', heat: false, sel: ''
  };
  var config = { writable: false, auth_required: false, tiles_url: '', tiles_attribution: '', tile_threshold: 0 };
  var extraTypes = []; // event types present in the data that are not ACLED's six

  function readHash() {
    var h = new URLSearchParams(location.hash.replace(/^#/, ''));
    var view = null;
    var m = (h.get('map') || '').split('/');
    if (m.length === 3 && m.every(function (x) { return x !== '' && isFinite(Number(x)); })) {
      view = { z: Number(m[0]), lat: Number(m[1]), lon: Number(m[2]) };
    }
    state.from = h.get('from') || '';
    state.to = h.get('to') || '';
    state.actor = h.get('actor') || '';
    state.q = h.get('q') || '';
    state.minf = h.get('minf') || '';
    state.heat = h.get('heat') === '1';
    state.sel = h.get('sel') || '';
    var t = h.get('types');
    state.types = t === null ? null : new Set(t.split(',').filter(Boolean));
    return view;
  }

  function writeHash() {
    var h = new URLSearchParams();
    if (map) {
      var c = map.getCenter(), z = map.getZoom();
      var d = Math.max(0, Math.min(5, Math.ceil(Math.log(Math.pow(2, z)) / Math.LN10) + 1));
      h.set('map', z + '/' + c.lat.toFixed(d) + '/' + L.Util.wrapNum(c.lng, [-180, 180], true).toFixed(d));
    }
    if (state.from) h.set('from', state.from);
    if (state.to) h.set('to', state.to);
    if (state.types) h.set('types', Array.from(state.types).join(','));
    if (state.actor) h.set('actor', state.actor);
    if (state.q) h.set('q', state.q);
    if (state.minf) h.set('minf', state.minf);
    if (state.heat) h.set('heat', '1');
    if (state.sel) h.set('sel', state.sel);
    var s = '#' + h.toString().replace(/%2F/g, '/').replace(/%2C/g, ',');
    if (s !== location.hash) history.replaceState(null, '', s);
  }

  /** filterParams turns the filter state into API query parameters. */
  function filterParams() {
    var p = new URLSearchParams();
    if (state.from) p.set('from', state.from);
    if (state.to) p.set('to', state.to);
    if (state.types) {
      var names = [];
      TYPES.forEach(function (t) {
        if (!state.types.has(t.key)) return;
        if (t === OTHER) names = names.concat(extraTypes);
        else names.push(t.name);
      });
      // Nothing selected: ask for a type that cannot exist so the answer is empty.
      p.set('event_type', names.length ? names.join(',') : '(none)');
    }
    if (state.actor) p.set('actor', state.actor);
    if (state.q) p.set('q', state.q);
    if (state.minf !== '' && Number(state.minf) > 0) p.set('min_fatalities', String(Math.floor(Number(state.minf))));
    return p;
  }

  // ---- map -----------------------------------------------------------------

  var map, clusters, heat, offline, labels, placePin, editPin;
  // How incidents are drawn: 'points' (GeoJSON markers, clustered in the
  // browser), 'tiles' (vector tiles, clustered by the server) or 'heat'.
  var mode = 'points';
  var tileLayer = null;  // the one vector tile layer, made when first needed
  var tileLayerURL = '';
  var tilesStale = false; // data changed: tiles must be fetched again
  var markers = new Map(); // id -> {marker, feature}
  var current = [];        // features in view, as last fetched
  var countryLabels = [];

  /** worldZoom is the smallest zoom at which one world fills the map. */
  function worldZoom() {
    var w = Math.max($('map').clientWidth, $('map').clientHeight) || 1024;
    return Math.max(1, Math.min(3, Math.ceil(Math.log(w / 256) / Math.LN2)));
  }

  function initMap(view) {
    map = L.map('map', {
      // The offline base map has no detail beyond town level: without a tile
      // server, zooming further only spreads markers apart.
      center: [view.lat, view.lon], zoom: view.z, minZoom: worldZoom(), maxZoom: config.tiles_url ? 18 : 13,
      // One world: the vector base map is not repeated east or west of it.
      maxBounds: L.latLngBounds([-85, -180], [85, 180]), maxBoundsViscosity: 1,
      zoomControl: true, keyboard: true
    });
    window.addEventListener('resize', debounce(function () { map.setMinZoom(worldZoom()); }, 200));
    map.attributionControl.addAttribution('Base map: <a href="https://www.naturalearthdata.com/">Natural Earth</a>');
    map.attributionControl.addAttribution('Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)');
    // Panes: the offline base map sits under every overlay (the heatmap
    // included), country names above the heatmap and under the markers.
    map.createPane('basemap');
    map.getPane('basemap').style.zIndex = 250;
    map.getPane('basemap').style.pointerEvents = 'none';
    map.createPane('labels');
    map.getPane('labels').style.zIndex = 450;
    map.getPane('labels').style.pointerEvents = 'none';
    // Vector tiles of incidents: above the country names, like markers.
    map.createPane('incidentTiles');
    map.getPane('incidentTiles').style.zIndex = 460;

    offline = L.layerGroup();
    labels = L.layerGroup().addTo(offline);
    if (config.tiles_url) {
      var tiles = L.tileLayer(config.tiles_url, {
        maxZoom: 19,
        attribution: config.tiles_attribution ? escapeHTML(config.tiles_attribution) : 'Tiles: ' + escapeHTML(new URL(config.tiles_url.replace(/[{}]/g, ''), location.href).host)
      }).addTo(map);
      L.control.layers({ 'Map tiles': tiles, 'Offline outlines': offline }, null, { position: 'topright' }).addTo(map);
    } else {
      offline.addTo(map);
    }

    clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 50,
      spiderfyOnMaxZoom: true,
      chunkedLoading: true,
      iconCreateFunction: clusterIcon
    });
    clusters.addTo(map);
    heat = L.heatLayer([], { radius: 22, blur: 18, maxZoom: 9, minOpacity: 0.3 });

    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
    addModeLine();
    addLegend();
    loadBasemap();

    map.on('moveend', function () { writeHash(); scheduleRefresh(); });
    map.on('zoomend', updateLabels);
    map.on('popupopen', function (e) {
      if (placePin) { map.removeLayer(placePin); placePin = null; }
      var id = e.popup && e.popup.options && e.popup.options.incidentId;
      if (id) { state.sel = id; writeHash(); markSelected(id); }
    });
    map.on('popupclose', function (e) {
      var id = e.popup && e.popup.options && e.popup.options.incidentId;
      if (id && state.sel === id) { state.sel = ''; writeHash(); markSelected(''); }
    });
    map.on('click', onMapClick);
    map.on('mousemove', debounce(onTileHover, 30));
  }

  function loadBasemap() {
    fetch('/static/basemap/countries.json').then(function (r) {
      if (!r.ok) throw new Error('base map: HTTP ' + r.status);
      return r.json();
    }).then(function (gj) {
      var renderer = L.canvas({ padding: 0.5, pane: 'basemap' });
      offline.addLayer(L.geoJSON(gj, {
        renderer: renderer, pane: 'basemap', interactive: false,
        style: { color: '#9c978d', weight: 0.7, fillColor: '#f4f2ec', fillOpacity: 1 }
      }));
      gj.features.forEach(function (f) {
        var p = f.properties || {};
        if (!p.label || !p.name) return;
        var span = el('span', { text: p.name });
        var m = L.marker([p.label[1], p.label[0]], {
          pane: 'labels', interactive: false, keyboard: false,
          icon: L.divIcon({ className: 'country-label' + (p.rank <= 40 ? ' big' : ''), html: span, iconSize: null })
        });
        countryLabels.push({ marker: m, rank: p.rank || 999 });
      });
      updateLabels();
    }).catch(function (e) { showStatus(String(e.message || e), true); });
  }

  /** Country names: the biggest first, all of them from zoom 5. */
  function updateLabels() {
    if (!labels) return;
    var z = map.getZoom();
    var max = z < 3 ? 12 : z < 4 ? 45 : z < 5 ? 120 : 1000;
    countryLabels.forEach(function (l) {
      var show = l.rank <= max;
      if (show && !labels.hasLayer(l.marker)) labels.addLayer(l.marker);
      else if (!show && labels.hasLayer(l.marker)) labels.removeLayer(l.marker);
    });
  }

  /** addModeLine adds the line that says how the incidents are drawn. */
  function addModeLine() {
    var ModeLine = L.Control.extend({
      options: { position: 'bottomleft' },
      onAdd: function () {
        var d = el('div', { class: 'mode-line', id: 'mode', role: 'status', 'aria-live': 'polite' });
        L.DomEvent.disableClickPropagation(d);
        return d;
      }
    });
    new ModeLine().addTo(map);
  }

  function showModeLine(matched, drawn) {
    var line = $('mode');
    if (!line) return;
    var n = fmtInt(matched) + (matched === 1 ? ' incident' : ' incidents');
    var how = 'showing points';
    if (mode === 'tiles') how = 'showing tiles';
    else if (mode === 'heat') how = drawn < matched ? 'heatmap of the newest ' + fmtInt(drawn) : 'heatmap';
    line.textContent = n + ': ' + how;
    line.setAttribute('data-mode', mode);
  }

  function addLegend() {
    var Legend = L.Control.extend({
      options: { position: 'bottomright' },
      onAdd: function () {
        var d = el('div', { class: 'legend', role: 'group', 'aria-label': 'Legend' }, [el('h3', { text: 'Event type' })]);
        TYPES.forEach(function (t) {
          d.appendChild(el('div', null, [el('span', { class: 'swatch ' + t.cls, 'aria-hidden': 'true' }), t.name]));
        });
        L.DomEvent.disableClickPropagation(d);
        return d;
      }
    });
    new Legend().addTo(map);
  }

  function markerSize(fat) {
    fat = Number(fat) || 0;
    return fat <= 0 ? 12 : Math.min(28, Math.round(13 + 4 * Math.log(1 + fat)));
  }

  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var n = children.length, fat = 0, byType = {};
    children.forEach(function (m) {
      fat += Number(m.options.fatalities) || 0;
      byType[m.options.typeKey] = (byType[m.options.typeKey] || 0) + 1;
    });
    // A conic gradient ring shows the event-type mix of the cluster.
    var stops = [], acc = 0;
    TYPES.forEach(function (t) {
      var c = byType[t.key];
      if (!c) return;
      var a = acc / n * 100, b = (acc + c) / n * 100;
      stops.push(t.color + ' ' + a.toFixed(1) + '% ' + b.toFixed(1) + '%');
      acc += c;
    });
    var size = n < 10 ? 36 : n < 100 ? 44 : n < 1000 ? 52 : 60;
    var outer = el('div', { class: 'cluster' });
    outer.style.width = size + 'px';
    outer.style.height = size + 'px';
    outer.style.background = 'conic-gradient(' + stops.join(',') + ')';
    var inner = el('div', { class: 'cluster-in' }, [el('b', { text: fmtInt(n) })]);
    if (fat > 0) inner.appendChild(el('small', { text: '† ' + fmtInt(fat), title: fat + ' fatalities' }));
    outer.appendChild(inner);
    outer.setAttribute('title', fmtInt(n) + ' incidents, ' + fmtInt(fat) + ' fatalities');
    return L.divIcon({ html: outer, className: 'cluster-icon', iconSize: L.point(size, size) });
  }

  function makeMarker(f, ll) {
    var p = f.properties || {};
    var t = typeOf(p.event_type);
    var s = markerSize(p.fatalities);
    var id = featureId(f);
    var m = L.marker(ll, {
      icon: L.divIcon({ className: 'inc-marker ' + t.cls, iconSize: [s, s] }),
      title: (p.date || '') + ' ' + (p.event_type || '') + (p.place ? ' — ' + p.place : ''),
      alt: p.event_type || 'incident',
      keyboard: true,
      riseOnHover: true,
      fatalities: Number(p.fatalities) || 0,
      typeKey: t.key
    });
    var entry = { marker: m, feature: f, ll: ll, key: f.properties && f.properties.updated_at };
    m.bindPopup(function () { return buildPopup(entry.feature); }, { maxWidth: 340, minWidth: 220, incidentId: id, autoPanPadding: [30, 30] });
    return entry;
  }

  /** syncMarkers replaces the map's markers with those of feats, keeping
   *  markers whose incident did not change (so an open popup stays open). */
  var lastFilterKey = null;
  var KEEP_MAX = 20000; // markers kept outside the view while the filters stay the same

  function popupOpenFor(id) {
    var open = false;
    map.eachLayer(function (l) {
      if (l instanceof L.Popup && l.options.incidentId === id && map.hasLayer(l)) open = true;
    });
    markers.forEach(function (e, mid) { if (mid === id && e.marker.isPopupOpen && e.marker.isPopupOpen()) open = true; });
    return open;
  }

  /** syncMarkers makes the map's markers those of feats, fetched for
   *  bounds with the filters fkey. Markers outside bounds stay while the
   *  filters are the same (panning back needs no redraw, and a spread-out
   *  cluster holding the open popup is not rebuilt); the open popup is
   *  reopened if the update closed it anyway. */
  function syncMarkers(feats, bounds, fkey) {
    var sameFilters = fkey === lastFilterKey;
    lastFilterKey = fkey;
    var selOpen = state.sel && popupOpenFor(state.sel) ? state.sel : '';
    var next = new Map();
    var add = [], remove = [];
    feats.forEach(function (f) {
      var id = featureId(f), ll = featureLatLng(f);
      if (id === null || !ll) return;
      var old = markers.get(id);
      var key = f.properties && f.properties.updated_at;
      // Compare with the incident's own point: a spread-out (spiderfied)
      // marker is drawn elsewhere for a while.
      if (old && old.key === key && old.ll.equals(ll)) {
        old.feature = f;
        next.set(id, old);
        return;
      }
      var e = makeMarker(f, ll);
      next.set(id, e);
      add.push(e.marker);
      if (old) remove.push(old.marker);
    });
    var kept = 0;
    markers.forEach(function (e, id) {
      if (next.has(id)) return;
      if (sameFilters && bounds && !bounds.contains(e.ll) && next.size + kept < KEEP_MAX) {
        next.set(id, e);
        kept++;
        return;
      }
      remove.push(e.marker);
    });
    if (remove.length) clusters.removeLayers(remove);
    if (add.length) clusters.addLayers(add);
    markers = next;
    if (selOpen && !popupOpenFor(selOpen) && markers.has(selOpen)) selectIncident(selOpen, false);
    else if (state.sel) markSelected(state.sel);

    heat.setLatLngs(feats.map(function (f) {
      var ll = featureLatLng(f);
      if (!ll) return null;
      var fat = Number(f.properties && f.properties.fatalities) || 0;
      return [ll.lat, ll.lng, Math.min(1, 0.35 + Math.log(1 + fat) / 5)];
    }).filter(Boolean));
  }

  /** showLayers puts the incident layer of the current mode on the map
   *  and takes the other two off, so that one of them at most is drawn. */
  function showLayers() {
    var want = mode === 'heat' ? heat : mode === 'tiles' ? tileLayer : clusters;
    [clusters, heat, tileLayer].forEach(function (l) {
      if (!l) return;
      if (l === want) {
        if (!map.hasLayer(l)) l.addTo(map);
      } else if (map.hasLayer(l)) {
        map.removeLayer(l);
      }
    });
  }

  /** setMode draws the incidents of a view: feats as markers or heatmap,
   *  or, in tile mode, the vector tiles for the filters fkey. */
  function setMode(next, feats, bounds, fkey) {
    if (next === 'tiles') {
      showTiles(fkey);
      // The markers are not drawn in tile mode: let them go.
      if (markers.size) clusters.clearLayers();
      markers = new Map();
      lastFilterKey = null;
      heat.setLatLngs([]);
      return;
    }
    mode = next;
    syncMarkers(feats, bounds, fkey);
    showLayers();
  }

  // ---- vector tiles ---------------------------------------------------------

  /** useTiles reports whether a view of matched incidents is drawn from
   *  vector tiles: when it holds more than the server's threshold. */
  function useTiles(matched) {
    var threshold = Number(config.tile_threshold) || 0;
    return threshold > 0 && typeof matched === 'number' && matched > threshold && !!tileCanvas();
  }

  /** clusterRadius grows with the count but stays within the server's
   *  cluster cells (an 8 by 8 grid per 256-pixel tile), so that
   *  neighbouring clusters barely overlap. */
  function clusterRadius(n) {
    return Math.min(16, Math.round(8 + 2.5 * Math.log(Math.max(1, n)) / Math.LN10));
  }

  /** shortCount writes a count in at most four characters: 950, 1.2k, 35k, 1.1M. */
  function shortCount(n) {
    if (n < 1000) return String(n);
    if (n < 10000) return (n / 1000).toFixed(1).replace(/\.0$/, '') + 'k';
    if (n < 1000000) return Math.round(n / 1000) + 'k';
    return (n / 1000000).toFixed(1).replace(/\.0$/, '') + 'M';
  }

  /** tileStyle styles a feature of the incidents layer: a cluster (it has
   *  cluster and count) as a circle sized by its count, a single incident
   *  like its marker; both in the colour of their (dominant) event type. */
  function tileStyle(p) {
    var t = typeOf(p.event_type);
    if (p.cluster) {
      return { radius: clusterRadius(Number(p.count) || 1), fill: true, fillColor: t.color, fillOpacity: 0.85, color: '#fff', weight: 2, opacity: 1 };
    }
    return { radius: markerSize(p.fatalities) / 2, fill: true, fillColor: t.color, fillOpacity: 1, color: '#fff', weight: 1.5, opacity: 1 };
  }

  // Each tile's canvas reaches TILE_PAD pixels beyond the tile on every
  // side, so that a circle near an edge is drawn whole by its own tile
  // instead of being cut there (tiles carry only the features inside them).
  var TILE_PAD = 24;
  var tileRenderers = []; // the renderers of the tiles on the map

  var TileCanvas = null;
  /** tileCanvas returns the renderer class of one vector tile, made once
   *  Leaflet.VectorGrid is loaded; null without it. It draws on a padded
   *  canvas and writes each cluster's count on its circle. Its canvas takes
   *  no pointer events (padded canvases overlap): clicks and hovering are
   *  handled on the map, see tileFeatureAt. */
  function tileCanvas() {
    if (TileCanvas || !L.Canvas || !L.Canvas.Tile || !L.vectorGrid) return TileCanvas;
    TileCanvas = L.Canvas.Tile.extend({
      initialize: function (tileCoord, tileSize, options) {
        L.Canvas.Tile.prototype.initialize.call(this, tileCoord, tileSize, options);
        this._container.width = tileSize.x + 2 * TILE_PAD;
        this._container.height = tileSize.y + 2 * TILE_PAD;
        this._ctx.translate(TILE_PAD, TILE_PAD);
      },
      // addTo runs once the tile is drawn, after the grid layer sized the
      // canvas to the tile: widen it by the padding.
      addTo: function (m) {
        L.Canvas.Tile.prototype.addTo.call(this, m);
        var st = this._container.style;
        st.width = (this._size.x + 2 * TILE_PAD) + 'px';
        st.height = (this._size.y + 2 * TILE_PAD) + 'px';
        st.marginLeft = st.marginTop = -TILE_PAD + 'px';
        // A tile unloaded before its data came is no longer in the page.
        if (this._container.parentNode) tileRenderers.push(this);
      },
      _updateCircle: function (layer) {
        L.Canvas.Tile.prototype._updateCircle.call(this, layer);
        var p = layer.properties;
        if (!this._drawing || !p || !p.cluster) return;
        var ctx = this._ctx;
        var label = shortCount(Number(p.count) || 0);
        ctx.save();
        ctx.font = 'bold ' + (label.length > 3 ? 10 : 11) + 'px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(0,0,0,.55)';
        ctx.strokeText(label, layer._point.x, layer._point.y);
        ctx.fillStyle = '#fff';
        ctx.fillText(label, layer._point.x, layer._point.y);
        ctx.restore();
      }
    });
    return TileCanvas;
  }

  /** tileFeatureAt returns the tile feature drawn at a layer point, with
   *  its renderer, or null. It asks every tile of the map's zoom whose
   *  padded canvas covers the point; the last drawn feature wins. */
  function tileFeatureAt(layerPoint) {
    if (mode !== 'tiles' || !tileLayer || !map.hasLayer(tileLayer)) return null;
    var z = Math.round(map.getZoom()), hit = null;
    tileRenderers.forEach(function (r) {
      if (!r._map || r.getCoord().z !== z) return;
      var p = layerPoint.subtract(r.getOffset());
      if (p.x < -TILE_PAD || p.y < -TILE_PAD || p.x > r._size.x + TILE_PAD || p.y > r._size.y + TILE_PAD) return;
      for (var id in r._layers) {
        if (r._layers[id]._containsPoint(p)) hit = { feature: r._layers[id], renderer: r };
      }
    });
    return hit;
  }

  /** onTileHover shows the pointer over a clickable tile feature. */
  function onTileHover(e) {
    map.getContainer().classList.toggle('tile-hover', !!tileFeatureAt(e.layerPoint));
  }

  /** showTiles draws the incidents from vector tiles with the filters fkey
   *  (the query of /api/incidents without bbox and limit). */
  function showTiles(fkey) {
    var url = TILE_URL + (fkey ? '?' + fkey : '');
    var fetchOptions = { headers: authHeaders(), credentials: 'same-origin' };
    if (!tileLayer) {
      var Canvas = tileCanvas();
      tileLayer = L.vectorGrid.protobuf(url, {
        pane: 'incidentTiles',
        rendererFactory: function (coords, size, opts) { return new Canvas(coords, size, opts); },
        vectorTileLayerStyles: { incidents: tileStyle },
        fetchOptions: fetchOptions
      });
      tileLayer.on('tileunload', function (e) {
        tileRenderers = tileRenderers.filter(function (r) { return r.getContainer() !== e.tile; });
      });
    } else {
      tileLayer.options.fetchOptions = fetchOptions;
      if (url !== tileLayerURL) tileLayer.setUrl(url);
      else if (tilesStale) tileLayer.redraw();
    }
    tileLayerURL = url;
    tilesStale = false;
    mode = 'tiles';
    showLayers();
  }

  /** onTileFeatureClick zooms into a cluster, or opens an incident's popup
   *  with its full details from /api/incidents/{id}. */
  function onTileFeatureClick(feature, renderer) {
    var c = renderer.getCoord();
    var ll = map.unproject(c.scaleBy(tileLayer.getTileSize()).add(feature._point), c.z);
    var p = feature.properties || {};
    if (p.cluster || p.id === undefined) {
      map.setView(ll, Math.min(map.getMaxZoom(), map.getZoom() + 2));
      return;
    }
    openIncidentPopup(String(p.id), ll).catch(function (err) {
      showStatus('Could not load incident #' + p.id + ': ' + err.message, true);
    });
  }

  /** openIncidentPopup fetches an incident and opens its popup at its
   *  place (or at ll when it has none). */
  function openIncidentPopup(id, ll) {
    return api('GET', '/api/incidents/' + encodeURIComponent(id)).then(function (r) {
      var f = r.body, at = (f && featureLatLng(f)) || ll;
      if (!f || !at) return;
      L.popup({ maxWidth: 340, minWidth: 220, incidentId: id, autoPanPadding: [30, 30] }).setLatLng(at).setContent(buildPopup(f)).openOn(map);
    });
  }

  // ---- popups --------------------------------------------------------------

  function dlRow(dl, label, value) {
    if (value === undefined || value === null || value === '') return;
    dl.appendChild(el('dt', { text: label }));
    dl.appendChild(el('dd', null, [typeof value === 'object' ? value : String(value)]));
  }

  function buildPopup(f) {
    var p = f.properties || {};
    var t = typeOf(p.event_type);
    var id = featureId(f);
    var root = el('div', { class: 'inc-popup' });
    root.appendChild(el('h3', null, [el('span', { class: 'swatch ' + t.cls, 'aria-hidden': 'true' }), p.event_type || 'Incident']));
    var date = p.date || '';
    if (p.date_precision && p.date_precision !== 'day') date += ' (' + p.date_precision + ')';
    root.appendChild(el('p', { class: 'meta' }, [date, p.sub_event_type ? ' · ' + p.sub_event_type : '']));

    var dl = el('dl');
    var actors = [p.actor1, p.actor2].filter(Boolean);
    dlRow(dl, actors.length > 1 ? 'Actors' : 'Actor', actors.join(' vs. '));
    if (p.fatalities !== undefined && p.fatalities !== null) dlRow(dl, 'Fatalities', fmtInt(p.fatalities));
    if (p.injuries !== undefined && p.injuries !== null) dlRow(dl, 'Injuries', fmtInt(p.injuries));
    dlRow(dl, 'Place', p.place);
    var resolved = [p.admin1, p.country].filter(Boolean).join(', ');
    if (p.geo_precision) resolved += (resolved ? ' · ' : '') + 'precision ' + p.geo_precision;
    dlRow(dl, 'Resolved', resolved);
    var ll = featureLatLng(f);
    if (ll) dlRow(dl, 'Coordinates', ll.lat.toFixed(4) + ', ' + ll.lng.toFixed(4));
    if (Array.isArray(p.tags) && p.tags.length) dlRow(dl, 'Tags', p.tags.join(', '));
    root.appendChild(dl);

    if (p.notes) root.appendChild(el('p', { class: 'notes', text: p.notes }));

    var sources = Array.isArray(p.sources) ? p.sources : (p.sources ? [p.sources] : []);
    if (sources.length) {
      var ul = el('ul', { class: 'sources', 'aria-label': 'Sources' });
      sources.forEach(function (s) {
        var li = el('li');
        if (isHttpURL(s)) {
          var a = el('a', { href: new URL(String(s)).href, target: '_blank', rel: 'noopener noreferrer nofollow' });
          a.textContent = String(s);
          li.appendChild(a);
        } else {
          li.textContent = String(s);
        }
        ul.appendChild(li);
      });
      root.appendChild(el('p', { class: 'meta', text: 'Sources' }));
      root.appendChild(ul);
    }
    if (id !== null) root.appendChild(el('p', { class: 'meta', text: '#' + id + (p.source_id ? ' · ' + p.source_id : '') }));

    if (config.writable && id !== null) {
      var edit = el('button', { type: 'button', text: 'Edit' });
      var del = el('button', { type: 'button', class: 'danger', text: 'Delete' });
      edit.addEventListener('click', function () { map.closePopup(); openEditor(f); });
      del.addEventListener('click', function () { deleteIncident(id); });
      root.appendChild(el('div', { class: 'actions' }, [edit, del]));
    }
    return root;
  }

  // ---- loading incidents ---------------------------------------------------

  var inflight = null;
  var scheduleRefresh = debounce(function () { refresh(); }, 250);

  function bboxParam() {
    var b = map.getBounds();
    var w = b.getWest(), e = b.getEast();
    if (e - w >= 360) { w = -180; e = 180; } else {
      w = L.Util.wrapNum(w, [-180, 180], true);
      e = L.Util.wrapNum(e, [-180, 180], true);
      // A view crossing the antimeridian: ask for the whole longitude range.
      if (e < w) { w = -180; e = 180; }
    }
    var s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
    return [w, s, e, n].map(function (v) { return v.toFixed(4); }).join(',');
  }

  /** refresh loads what the view holds with the filters. It first asks
   *  for one incident, which brings the count of the view (numberMatched):
   *  above the server's tile threshold the map draws vector tiles and
   *  loads only the newest incidents for the side list; otherwise it loads
   *  every incident in view as GeoJSON. The heatmap always draws GeoJSON. */
  function refresh() {
    if (inflight) inflight.abort();
    var ctrl = new AbortController();
    inflight = ctrl;
    var fp = filterParams();
    var fkey = fp.toString();
    var bb = bboxParam();
    var n = bb.split(',').map(Number);
    var fetchedBounds = L.latLngBounds([n[1], n[0]], [n[3], n[2]]);
    var p = new URLSearchParams(fp);
    p.set('bbox', bb);
    showStatus('Loading…', false, true);

    // page loads features from u, following next links up to max features.
    function page(u, max, feats) {
      return api('GET', u, { signal: ctrl.signal }).then(function (r) {
        var fc = r.body || {};
        var fs = Array.isArray(fc.features) ? fc.features : [];
        feats = feats.concat(fs);
        var next = (fc.links || []).filter(function (l) { return l.rel === 'next' && l.href; })[0];
        if (next && fs.length && feats.length < max) {
          var nu = new URL(next.href, location.href);
          if (nu.origin === location.origin) return page(nu.pathname + nu.search, max, feats);
        }
        return feats;
      });
    }

    // Totals for the whole view come from /api/stats, so they stay exact
    // when the view holds more incidents than are drawn. A failure (or
    // abort) leaves them out.
    var totals = api('GET', '/api/stats?' + p.toString(), { signal: ctrl.signal })
      .then(function (r) { return r.body; })
      .catch(function () { return null; });

    var cp = new URLSearchParams(p);
    cp.set('limit', '1');
    var matched = null, next = 'points';
    return api('GET', '/api/incidents?' + cp.toString(), { signal: ctrl.signal }).then(function (r) {
      if (r.body && typeof r.body.numberMatched === 'number') matched = r.body.numberMatched;
      next = state.heat ? 'heat' : useTiles(matched) ? 'tiles' : 'points';
      // Tiles load while the side list is fetched.
      if (next === 'tiles' && inflight === ctrl) setMode('tiles', [], fetchedBounds, fkey);
      var max = next === 'tiles' ? LIST_MAX : next === 'heat' ? MAX_FEATURES : Math.max(MAX_FEATURES, Number(config.tile_threshold) || 0);
      var lp = new URLSearchParams(p);
      lp.set('limit', String(Math.min(max, PAGE_LIMIT)));
      return Promise.all([page('/api/incidents?' + lp.toString(), max, []), totals]);
    }).then(function (res) {
      if (inflight !== ctrl) return;
      inflight = null;
      showStatus('');
      var feats = res[0];
      if (matched === null) matched = feats.length;
      current = feats;
      setMode(next, feats, fetchedBounds, fkey);
      renderSummary(matched, feats, res[1]);
      renderTimeline(res[1]);
      updateExportLinks(bb);
      renderList(feats, matched);
      showModeLine(matched, feats.length);
      document.body.setAttribute('data-loaded', String(Date.now()));
      if (state.sel && !pendingSelDone) openPendingSelection();
    }).catch(function (e) {
      if (e && e.name === 'AbortError') return;
      if (inflight === ctrl) inflight = null;
      if (e.status === 401) $('token-row').hidden = false;
      showStatus('Could not load incidents: ' + (e.message || e), true);
    });
  }

  function renderSummary(matched, feats, st) {
    var fat = 0;
    feats.forEach(function (f) { fat += Number(f.properties && f.properties.fatalities) || 0; });
    var partial = feats.length < matched;
    if (st && typeof st.fatalities === 'number' && (partial || st.count === matched)) { fat = st.fatalities; partial = false; }
    $('count').textContent = fmtInt(matched);
    $('count-label').textContent = matched === 1 ? 'incident in view' : 'incidents in view';
    $('fatalities').textContent = fmtInt(fat) + (partial ? '+' : '');
    $('count').setAttribute('data-count', String(matched));
  }

  function updateExportLinks(bbox) {
    var p = filterParams();
    if (bbox) p.set('bbox', bbox);
    ['geojson', 'csv'].forEach(function (fmt) {
      var q = new URLSearchParams(p);
      q.set('format', fmt);
      $('export-' + fmt).href = '/api/export?' + q.toString();
    });
  }

  function lastDay(y, m) { return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10); }

  /** renderTimeline draws incidents per month (per year for long spans) in
   *  view as bars; choosing a bar filters to that period, again clears it. */
  function renderTimeline(st) {
    var box = $('timeline');
    clear(box);
    var old = box.nextElementSibling;
    if (old && old.classList.contains('timeline-axis')) old.remove();
    var months = (st && Array.isArray(st.by_month)) ? st.by_month.filter(function (b) { return /^\d{4}-\d{2}$/.test(b.key); }) : [];
    if (!months.length) { $('time-note').textContent = '(nothing in view)'; return; }
    months.sort(function (a, b) { return a.key < b.key ? -1 : 1; });
    var byKey = {};
    months.forEach(function (b) { byKey[b.key] = b; });
    var y0 = Number(months[0].key.slice(0, 4)), m0 = Number(months[0].key.slice(5, 7));
    var last = months[months.length - 1].key;
    var y1 = Number(last.slice(0, 4)), m1 = Number(last.slice(5, 7));
    var span = (y1 - y0) * 12 + (m1 - m0) + 1;
    var bars = [];
    if (span <= 72) {
      for (var i = 0; i < span; i++) {
        var y = y0 + Math.floor((m0 - 1 + i) / 12), m = (m0 - 1 + i) % 12 + 1;
        var key = y + '-' + (m < 10 ? '0' : '') + m;
        var b = byKey[key] || { count: 0, fatalities: 0 };
        bars.push({ label: key, from: key + '-01', to: lastDay(y, m), count: b.count || 0, fatalities: b.fatalities || 0 });
      }
      $('time-note').textContent = '(per month)';
    } else {
      for (var yy = y0; yy <= y1; yy++) bars.push({ label: String(yy), from: yy + '-01-01', to: yy + '-12-31', count: 0, fatalities: 0 });
      months.forEach(function (b) {
        var bar = bars[Number(b.key.slice(0, 4)) - y0];
        bar.count += b.count || 0;
        bar.fatalities += b.fatalities || 0;
      });
      $('time-note').textContent = '(per year)';
    }
    var max = Math.max.apply(null, bars.map(function (b) { return b.count; })) || 1;
    bars.forEach(function (b) {
      var desc = b.label + ': ' + fmtInt(b.count) + (b.count === 1 ? ' incident, ' : ' incidents, ') + fmtInt(b.fatalities) + ' fatalities';
      var active = state.from === b.from && state.to === b.to;
      var btn = el('button', { type: 'button', title: desc, 'aria-label': desc, 'aria-pressed': String(active), class: active ? 'active' : (b.fatalities ? 'fat' : '') });
      btn.style.height = (b.count ? Math.max(3, Math.round(b.count / max * 62)) : 1) + 'px';
      btn.addEventListener('click', function () {
        if (state.from === b.from && state.to === b.to) { state.from = ''; state.to = ''; }
        else { state.from = b.from; state.to = b.to; }
        syncFilterInputs();
        filtersChanged();
      });
      box.appendChild(btn);
    });
    box.after(el('div', { class: 'timeline-axis', 'aria-hidden': 'true' }, [
      el('span', { text: bars[0].label }), el('span', { text: bars.length > 1 ? bars[bars.length - 1].label : '' })]));
  }

  function renderList(feats, matched) {
    var list = $('list');
    clear(list);
    var sorted = feats.slice().sort(function (a, b) {
      var da = (a.properties && a.properties.date) || '', db = (b.properties && b.properties.date) || '';
      if (da !== db) return da < db ? 1 : -1;
      return Number(featureId(b)) - Number(featureId(a));
    });
    var frag = document.createDocumentFragment();
    sorted.slice(0, LIST_MAX).forEach(function (f) {
      var p = f.properties || {};
      var id = featureId(f);
      var t = typeOf(p.event_type);
      var btn = el('button', { type: 'button', 'data-id': id }, [
        el('span', { class: 'dot ' + t.cls, 'aria-hidden': 'true' }),
        el('span', { class: 'title', text: (p.place || p.admin1 || p.country || 'Unknown place') }),
        el('span', { class: 'fat', text: p.fatalities ? '† ' + fmtInt(p.fatalities) : '' }),
        el('span', { class: 'sub', text: [p.date, p.sub_event_type || p.event_type, [p.actor1, p.actor2].filter(Boolean).join(' / ')].filter(Boolean).join(' · ') })
      ]);
      btn.addEventListener('click', function () {
        // On a phone the panel covers the map: fold it to show the popup.
        if (isPhone()) showPanel(false);
        selectIncident(id, true);
      });
      frag.appendChild(el('li', { 'data-id': id, class: id === state.sel ? 'sel' : '' }, [btn]));
    });
    list.appendChild(frag);
    var total = matched === null ? feats.length : matched;
    var note = '';
    if (feats.length >= LIST_MAX && total > LIST_MAX) note = '(newest ' + LIST_MAX + ' of ' + fmtInt(total) + ')';
    else if (total > feats.length) note = '(' + fmtInt(feats.length) + ' of ' + fmtInt(total) + ')';
    else note = '(' + fmtInt(total) + ')';
    $('list-note').textContent = note;
    if (!feats.length) list.appendChild(el('li', { class: 'hint', text: 'No incidents match in this view. Zoom out or relax the filters.' }));
  }

  function markSelected(id) {
    var rows = $('list').querySelectorAll('li[data-id]');
    for (var i = 0; i < rows.length; i++) {
      var on = rows[i].getAttribute('data-id') === id;
      rows[i].classList.toggle('sel', on);
      if (on) {
        // Bring the row into the panel's view without scrolling the page.
        var panel = $('panel'), r = rows[i].getBoundingClientRect(), pr = panel.getBoundingClientRect();
        if (r.top < pr.top || r.bottom > pr.bottom) panel.scrollTop += r.top - pr.top - pr.height / 3;
      }
    }
  }

  /** selectIncident flies to an incident in view and opens its popup. */
  function selectIncident(id, fly) {
    var e = markers.get(id);
    if (!e) { selectListed(id, fly); return; }
    var ll = e.ll;
    var standalone = function () {
      L.popup({ maxWidth: 340, minWidth: 220, incidentId: id }).setLatLng(ll).setContent(buildPopup(e.feature)).openOn(map);
    };
    // Show the marker itself when it is inside a cluster: zoom in, or at the
    // last zoom level spread the cluster out; retry while the cluster layer
    // is still animating, and fall back to a popup at the point.
    var open = function (tries) {
      var m = e.marker;
      if (tries === undefined) tries = 12;
      if (state.heat || !map.hasLayer(clusters)) { standalone(); return; }
      var parent = clusters.getVisibleParent(m);
      if (parent === m) { m.openPopup(); return; }
      if (tries <= 0) { standalone(); return; }
      if (parent && parent.spiderfy && map.getZoom() >= map.getMaxZoom()) {
        parent.spiderfy();
        setTimeout(function () { open(tries - 1); }, 250);
        return;
      }
      if (tries === 12) {
        var done = false;
        clusters.zoomToShowLayer(m, function () { done = true; m.openPopup(); });
        setTimeout(function () { if (!done) open(tries - 1); }, 1500);
        return;
      }
      setTimeout(function () { open(tries - 1); }, 250);
    };
    state.sel = id;
    markSelected(id);
    var z = Math.max(map.getZoom(), 9);
    if (fly && (map.getZoom() < z || !map.getBounds().pad(-0.1).contains(ll))) {
      map.once('moveend', function () { open(); });
      map.flyTo(ll, z, { duration: 0.8 });
    } else {
      open();
    }
  }

  /** selectListed opens the popup of an incident of the side list that
   *  has no marker (the map draws tiles), flying to it first when asked. */
  function selectListed(id, fly) {
    var f = current.filter(function (x) { return featureId(x) === id; })[0];
    var ll = f && featureLatLng(f);
    if (!ll) return;
    state.sel = id;
    markSelected(id);
    var open = function () {
      L.popup({ maxWidth: 340, minWidth: 220, incidentId: id, autoPanPadding: [30, 30] }).setLatLng(ll).setContent(buildPopup(f)).openOn(map);
    };
    var z = Math.max(map.getZoom(), 9);
    if (fly && (map.getZoom() < z || !map.getBounds().pad(-0.1).contains(ll))) {
      map.once('moveend', open);
      map.flyTo(ll, z, { duration: 0.8 });
    } else {
      open();
    }
  }

  var pendingSelDone = false;
  /** A link with sel=ID opens that incident's popup once it is loaded. */
  function openPendingSelection() {
    pendingSelDone = true;
    var id = state.sel;
    if (markers.has(id)) { selectIncident(id, false); return; }
    openIncidentPopup(id, null).catch(function () { state.sel = ''; writeHash(); });
  }

  // ---- filters -------------------------------------------------------------

  function buildTypeFilters(counts) {
    var box = $('f-types');
    clear(box);
    TYPES.forEach(function (t) {
      var cb = el('input', { type: 'checkbox', value: t.key, 'data-type': t.name });
      cb.checked = !state.types || state.types.has(t.key);
      cb.addEventListener('change', onTypesChange);
      var n = counts ? counts[t.key] : undefined;
      var lab = el('label', null, [cb, el('span', { class: 'swatch ' + t.cls, 'aria-hidden': 'true' }), t.name,
        n !== undefined ? el('span', { class: 'n', text: fmtInt(n) }) : null]);
      if (t === OTHER && extraTypes.length) lab.title = extraTypes.join(', ');
      box.appendChild(lab);
    });
    var dl = $('type-options');
    clear(dl);
    TYPES.slice(0, 6).concat(extraTypes.map(function (n) { return { name: n }; })).forEach(function (t) {
      dl.appendChild(el('option', { value: t.name }));
    });
  }

  function onTypesChange() {
    var boxes = $('f-types').querySelectorAll('input[type=checkbox]');
    var on = new Set();
    boxes.forEach(function (b) { if (b.checked) on.add(b.value); });
    state.types = on.size === TYPES.length ? null : on;
    filtersChanged();
  }

  function filtersChanged() {
    writeHash();
    refresh();
  }

  function syncFilterInputs() {
    $('f-from').value = state.from;
    $('f-to').value = state.to;
    $('f-actor').value = state.actor;
    $('f-q').value = state.q;
    $('f-minf').value = state.minf;
    $('f-heat').checked = state.heat;
    $('f-types').querySelectorAll('input[type=checkbox]').forEach(function (b) {
      b.checked = !state.types || state.types.has(b.value);
    });
  }

  function initFilters() {
    var typed = debounce(filtersChanged, 400);
    [['f-from', 'from'], ['f-to', 'to']].forEach(function (x) {
      $(x[0]).addEventListener('change', function (e) { state[x[1]] = e.target.value; filtersChanged(); });
    });
    [['f-actor', 'actor'], ['f-q', 'q'], ['f-minf', 'minf']].forEach(function (x) {
      $(x[0]).addEventListener('input', function (e) { state[x[1]] = e.target.value.trim(); typed(); });
    });
    $('f-heat').addEventListener('change', function (e) { state.heat = e.target.checked; writeHash(); refresh(); });
    $('filters').addEventListener('submit', function (e) { e.preventDefault(); filtersChanged(); });
    $('f-reset').addEventListener('click', function () {
      state.from = state.to = state.actor = state.q = state.minf = '';
      state.types = null;
      syncFilterInputs();
      filtersChanged();
    });
    $('f-fit').addEventListener('click', function () { fitToData(false); });
  }

  /** fitToData zooms to every incident matching the filters (any place). */
  function fitToData(initial) {
    var p = filterParams();
    p.set('limit', String(PAGE_LIMIT));
    api('GET', '/api/incidents?' + p.toString()).then(function (r) {
      var pts = ((r.body && r.body.features) || []).map(featureLatLng).filter(Boolean);
      if (!pts.length) {
        if (initial === true) refresh(); else showStatus('No incidents match the filters.');
        return;
      }
      var b = L.latLngBounds(pts).pad(0.15);
      if (initial === true) {
        var before = map.getCenter().toString() + map.getZoom();
        map.fitBounds(b, { maxZoom: 8, animate: false });
        if (before === map.getCenter().toString() + map.getZoom()) refresh();
      } else {
        map.flyToBounds(b, { maxZoom: 10, duration: 0.8 });
      }
    }).catch(function (e) { showStatus(e.message, true); if (initial === true) refresh(); });
  }

  /** loadStats bounds the date inputs by the data's range and learns which
   *  event types exist. It tolerates several shapes of /api/stats. */
  function loadStats() {
    return api('GET', '/api/stats').then(function (r) {
      var s = r.body || {};
      var minD = s.min_date || s.first_date || s.date_min || (s.dates && s.dates.min) || s.from || '';
      var maxD = s.max_date || s.last_date || s.date_max || (s.dates && s.dates.max) || s.to || '';
      var months = s.by_month || s.months || null;
      if ((!minD || !maxD) && months) {
        var keys = Array.isArray(months) ? months.map(function (m) { return m.month || m.key || ''; }) : Object.keys(months);
        keys = keys.filter(Boolean).sort();
        if (keys.length) {
          if (!minD) minD = keys[0].length === 7 ? keys[0] + '-01' : keys[0];
          if (!maxD) {
            var last = keys[keys.length - 1];
            if (last.length === 7) {
              var d = new Date(Date.UTC(Number(last.slice(0, 4)), Number(last.slice(5, 7)), 0));
              maxD = d.toISOString().slice(0, 10);
            } else maxD = last;
          }
        }
      }
      if (/^\d{4}-\d{2}-\d{2}/.test(minD)) { $('f-from').min = $('f-to').min = minD.slice(0, 10); $('f-from').placeholder = minD.slice(0, 10); }
      if (/^\d{4}-\d{2}-\d{2}/.test(maxD)) { $('f-from').max = $('f-to').max = maxD.slice(0, 10); $('f-to').placeholder = maxD.slice(0, 10); }
      var byType = s.by_event_type || s.event_types || null;
      var counts = {};
      var names = [];
      if (Array.isArray(byType)) {
        byType.forEach(function (x) { var n = x.event_type || x.key || x.name; if (n) { names.push(n); counts[n] = x.count; } });
      } else if (byType && typeof byType === 'object') {
        Object.keys(byType).forEach(function (n) {
          names.push(n);
          var v = byType[n];
          counts[n] = typeof v === 'number' ? v : (v && v.count);
        });
      }
      var keyCounts = {};
      extraTypes = [];
      names.forEach(function (n) {
        var t = typeOf(n);
        if (t === OTHER) extraTypes.push(n);
        if (typeof counts[n] === 'number') keyCounts[t.key] = (keyCounts[t.key] || 0) + counts[n];
      });
      buildTypeFilters(names.length ? keyCounts : null);
    }).catch(function () { /* stats are optional for the map */ });
  }

  // ---- locate a place ------------------------------------------------------

  function placeZoom(p) {
    var fc = String(p.feature_code || '');
    if (/^PCL/.test(fc)) return 5;
    if (fc === 'ADM1') return 7;
    // The offline base map shows only country outlines: stay where they
    // still give context unless a tile server adds detail.
    var cap = config.tiles_url ? 18 : 9;
    if (/^ADM/.test(fc)) return Math.min(cap, 9);
    if (Number(p.population) > 1000000) return Math.min(cap, 10);
    return Math.min(cap, 11);
  }

  function placeLabel(p) {
    var sub = [p.admin1, p.country].filter(Boolean).join(', ');
    var extra = [p.feature_code, p.population ? 'pop. ' + fmtInt(p.population) : ''].filter(Boolean).join(' · ');
    return { name: p.name || '?', sub: [sub, extra].filter(Boolean).join(' — ') };
  }

  function searchPlaces(q, country, limit) {
    var p = new URLSearchParams({ q: q, limit: String(limit || 8) });
    if (country) p.set('country', country);
    return api('GET', '/api/gazetteer/search?' + p.toString()).then(function (r) {
      return ((r.body && r.body.features) || []).filter(function (f) { return featureLatLng(f); });
    });
  }

  function flyToPlace(f) {
    var p = f.properties || {};
    var ll = featureLatLng(f);
    if (placePin) map.removeLayer(placePin);
    var lab = placeLabel(p);
    placePin = L.circleMarker(ll, { radius: 7, color: '#111', weight: 3, fillColor: '#ffd54f', fillOpacity: 1, interactive: false })
      .bindTooltip(el('span', null, [el('b', { text: lab.name }), lab.sub ? ' · ' + lab.sub : '']), { permanent: true, direction: 'top', offset: [0, -8] })
      .addTo(map);
    map.flyTo(ll, placeZoom(p), { duration: 0.9 });
  }

  function initLocate() {
    var form = $('locate'), input = $('locate-q'), out = $('locate-results');
    function close() { out.hidden = true; input.setAttribute('aria-expanded', 'false'); }
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var q = input.value.trim();
      if (!q) return;
      searchPlaces(q, '', 8).then(function (fs) {
        clear(out);
        if (!fs.length) {
          out.appendChild(el('li', { class: 'hint', text: 'No place found for “' + q + '”.' }));
        }
        fs.forEach(function (f) {
          var lab = placeLabel(f.properties || {});
          var b = el('button', { type: 'button' }, [lab.name, el('br'), el('span', { class: 'sub', text: lab.sub })]);
          b.addEventListener('click', function () { flyToPlace(f); close(); input.focus(); });
          out.appendChild(el('li', null, [b]));
        });
        out.hidden = false;
        input.setAttribute('aria-expanded', 'true');
        if (fs.length) flyToPlace(fs[0]);
      }).catch(function (err) { showStatus('Place search failed: ' + err.message, true); });
    });
    form.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { close(); input.focus(); }
      if (e.key === 'ArrowDown' && !out.hidden) {
        var btns = Array.prototype.slice.call(out.querySelectorAll('button'));
        var i = btns.indexOf(document.activeElement);
        if (btns.length) { btns[Math.min(btns.length - 1, i + 1)].focus(); e.preventDefault(); }
      }
      if (e.key === 'ArrowUp' && !out.hidden) {
        var bs = Array.prototype.slice.call(out.querySelectorAll('button'));
        var j = bs.indexOf(document.activeElement);
        if (j > 0) { bs[j - 1].focus(); e.preventDefault(); } else if (j === 0) { input.focus(); e.preventDefault(); }
      }
    });
    document.addEventListener('click', function (e) { if (!form.contains(e.target)) close(); });
  }

  // ---- editing -------------------------------------------------------------

  var editing = null; // null: closed; {id: null|string}
  var NUM_FIELDS = ['fatalities', 'injuries', 'lat', 'lon', 'geo_precision'];
  var TEXT_FIELDS = ['date', 'date_precision', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'place', 'country', 'admin1', 'notes', 'source_id'];

  function editField(name) { return $('edit-form').elements.namedItem(name); }

  function clearErrors() {
    var f = $('edit-form');
    f.querySelectorAll('.err').forEach(function (e) { e.textContent = ''; });
    f.querySelectorAll('.invalid').forEach(function (e) { e.classList.remove('invalid'); e.removeAttribute('aria-invalid'); });
  }

  function showFieldError(field, msg) {
    var f = $('edit-form');
    var slot = field ? f.querySelector('.err[data-field="' + CSS.escape(field) + '"]') : null;
    var input = field ? editField(field) : null;
    if (!slot) slot = f.querySelector('p.err[data-field=""]');
    slot.textContent = msg;
    if (input && input.classList) {
      input.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  }

  function openEditor(feature) {
    var form = $('edit-form');
    form.reset();
    clearErrors();
    clear($('place-candidates'));
    $('place-candidates').hidden = true;
    var chosen = form.querySelector('.chosen-place');
    if (chosen) chosen.remove();
    var p = (feature && feature.properties) || {};
    var id = feature ? featureId(feature) : null;
    editing = { id: id };
    $('editor-h').textContent = id ? 'Edit incident #' + id : 'Add incident';
    TEXT_FIELDS.forEach(function (k) { if (p[k] !== undefined && p[k] !== null) editField(k).value = p[k]; });
    NUM_FIELDS.forEach(function (k) { if (p[k] !== undefined && p[k] !== null) editField(k).value = p[k]; });
    var ll = feature ? featureLatLng(feature) : null;
    if (ll) { editField('lat').value = ll.lat; editField('lon').value = ll.lng; }
    editField('sources').value = Array.isArray(p.sources) ? p.sources.join('\n') : (p.sources || '');
    editField('tags').value = Array.isArray(p.tags) ? p.tags.join(', ') : (p.tags || '');
    if (!id) editField('date').value = new Date().toISOString().slice(0, 10);
    $('editor').hidden = false;
    showPanel(true);
    if (ll) setEditPin(ll, false);
    $('panel').scrollTop = $('editor').offsetTop - 8;
    editField('date').focus({ preventScroll: true });
  }

  function closeEditor() {
    editing = null;
    $('editor').hidden = true;
    if (editPin) { map.removeLayer(editPin); editPin = null; }
  }

  function setEditPin(ll, pan) {
    if (!editPin) {
      editPin = L.marker(ll, {
        draggable: true, title: 'New incident location (drag to adjust)', alt: 'New incident location',
        icon: L.divIcon({ className: 'place-pin', iconSize: [18, 18] })
      }).addTo(map);
      editPin.on('dragend', function () {
        var p = editPin.getLatLng();
        editField('lat').value = p.lat.toFixed(5);
        editField('lon').value = L.Util.wrapNum(p.lng, [-180, 180], true).toFixed(5);
      });
    } else {
      editPin.setLatLng(ll);
    }
    if (pan) map.panTo(ll);
  }

  function onMapClick(e) {
    var hit = tileFeatureAt(e.layerPoint);
    if (hit) { onTileFeatureClick(hit.feature, hit.renderer); return; }
    if (!editing) return;
    editField('lat').value = e.latlng.lat.toFixed(5);
    editField('lon').value = L.Util.wrapNum(e.latlng.lng, [-180, 180], true).toFixed(5);
    setEditPin(e.latlng, false);
  }

  function findPlace() {
    var q = editField('place').value.trim();
    var ul = $('place-candidates');
    clear(ul);
    clearErrors();
    if (!q) { showFieldError('place', 'Type a place name first.'); return; }
    searchPlaces(q, editField('country').value.trim(), 6).then(function (fs) {
      if (!fs.length) { showFieldError('place', 'No place found for “' + q + '”. Click the map to set the location instead.'); return; }
      fs.forEach(function (f, i) {
        var lab = placeLabel(f.properties || {});
        var b = el('button', { type: 'button' }, [lab.name, el('br'), el('span', { class: 'sub', text: lab.sub })]);
        b.addEventListener('click', function () { choosePlace(f, b.parentNode); });
        ul.appendChild(el('li', null, [b]));
        if (i === 0) choosePlace(f, ul.firstChild, true);
      });
      ul.hidden = false;
    }).catch(function (e) { showFieldError('place', e.message); });
  }

  function choosePlace(f, li, first) {
    var p = f.properties || {};
    var ll = featureLatLng(f);
    editField('lat').value = ll.lat;
    editField('lon').value = ll.lng;
    if (p.country) editField('country').value = p.country;
    if (p.admin1) editField('admin1').value = p.admin1;
    $('place-candidates').querySelectorAll('li').forEach(function (x) { x.classList.remove('chosen'); });
    if (li) li.classList.add('chosen');
    var form = $('edit-form');
    var box = form.querySelector('.chosen-place');
    if (!box) {
      box = el('p', { class: 'chosen-place', role: 'status' });
      $('place-candidates').after(box);
    }
    var lab = placeLabel(p);
    box.textContent = (first ? 'Best match: ' : 'Chosen: ') + lab.name + (lab.sub ? ' (' + lab.sub + ')' : '') +
      ' at ' + ll.lat.toFixed(4) + ', ' + ll.lng.toFixed(4) + '. Check it before saving.';
    setEditPin(ll, false);
    map.flyTo(ll, Math.max(map.getZoom(), placeZoom(p) - 2), { duration: 0.6 });
  }

  function formObject() {
    var o = {};
    TEXT_FIELDS.forEach(function (k) {
      var v = editField(k).value.trim();
      if (v !== '') o[k] = k === 'country' ? v.toUpperCase() : v;
    });
    NUM_FIELDS.forEach(function (k) {
      var v = editField(k).value.trim();
      if (v !== '') o[k] = Number(v);
    });
    var src = editField('sources').value.split('\n').map(function (s) { return s.trim(); }).filter(Boolean);
    if (src.length) o.sources = src;
    var tags = editField('tags').value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    if (tags.length) o.tags = tags;
    return o;
  }

  function validateLocally(o) {
    if (!o.date) return ['date', 'A date is required.'];
    if (!o.event_type) return ['event_type', 'An event type is required.'];
    if (('lat' in o) !== ('lon' in o)) return ['lat' in o ? 'lon' : 'lat', 'Give both latitude and longitude, or neither.'];
    if (!('lat' in o) && !o.place) return ['place', 'Give a place name or click the map to set the location.'];
    if ('lat' in o && (isNaN(o.lat) || o.lat < -90 || o.lat > 90)) return ['lat', 'Latitude must be between -90 and 90.'];
    if ('lon' in o && (isNaN(o.lon) || o.lon < -180 || o.lon > 180)) return ['lon', 'Longitude must be between -180 and 180.'];
    var bad = ['fatalities', 'injuries'].filter(function (k) { return k in o && !(Number.isInteger(o[k]) && o[k] >= 0); })[0];
    if (bad) return [bad, 'Must be a whole number, 0 or more.'];
    return null;
  }

  function saveIncident(e) {
    e.preventDefault();
    if (!editing) return;
    clearErrors();
    var o = formObject();
    var bad = validateLocally(o);
    if (bad) { showFieldError(bad[0], bad[1]); return; }
    var id = editing.id;
    $('save-btn').disabled = true;
    api(id ? 'PUT' : 'POST', id ? '/api/incidents/' + encodeURIComponent(id) : '/api/incidents', { json: o }).then(function (r) {
      var b = r.body || {};
      var newId = b.id !== undefined ? String(b.id) : (b.properties && b.properties.id !== undefined ? String(b.properties.id) : id);
      if (!newId) {
        var loc = r.res.headers.get('Location') || '';
        newId = loc.split('/').pop() || null;
      }
      closeEditor();
      showStatus(id ? 'Incident #' + id + ' saved.' : 'Incident added' + (newId ? ' (#' + newId + ').' : '.'));
      if (newId) { state.sel = newId; pendingSelDone = false; writeHash(); }
      tilesStale = true;
      loadStats();
      refresh();
    }).catch(function (err) {
      if (err.status === 401) {
        showFieldError('', 'Not authorised: enter a valid API token above.');
        $('token-row').hidden = false;
        $('token').focus();
        return;
      }
      showFieldError(err.field, err.message);
    }).then(function () { $('save-btn').disabled = false; });
  }

  function deleteIncident(id) {
    if (!window.confirm('Delete incident #' + id + '? This cannot be undone.')) return;
    api('DELETE', '/api/incidents/' + encodeURIComponent(id)).then(function () {
      map.closePopup();
      showStatus('Incident #' + id + ' deleted.');
      tilesStale = true;
      loadStats();
      refresh();
    }).catch(function (err) {
      showStatus('Delete failed: ' + err.message, true);
      if (err.status === 401) { $('token-row').hidden = false; $('token').focus(); }
    });
  }

  function initEditor() {
    $('add-btn').addEventListener('click', function () { openEditor(null); });
    $('cancel-btn').addEventListener('click', closeEditor);
    $('edit-form').addEventListener('submit', saveIncident);
    $('place-find').addEventListener('click', findPlace);
    editField('place').addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); findPlace(); }
    });
    ['lat', 'lon'].forEach(function (k) {
      editField(k).addEventListener('change', function () {
        var la = Number(editField('lat').value), lo = Number(editField('lon').value);
        if (editField('lat').value !== '' && editField('lon').value !== '' && isFinite(la) && isFinite(lo)) setEditPin(L.latLng(la, lo), true);
      });
    });
    var tok = $('token');
    try { tok.value = sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { /* ignore */ }
    tok.addEventListener('change', function () {
      try {
        if (tok.value.trim()) sessionStorage.setItem(TOKEN_KEY, tok.value.trim());
        else sessionStorage.removeItem(TOKEN_KEY);
      } catch (e) { /* ignore */ }
      if (map) { tilesStale = true; loadStats(); refresh(); }
    });
  }

  // ---- import --------------------------------------------------------------

  function contentTypeFor(name) {
    var n = name.toLowerCase();
    if (/\.ndjson$|\.jsonl$/.test(n)) return 'application/x-ndjson';
    if (/\.geojson$/.test(n)) return 'application/geo+json';
    if (/\.csv$/.test(n)) return 'text/csv';
    return 'application/json';
  }

  function importFile(file) {
    if (!config.writable) { showStatus('This server is read-only: import is disabled.', true); return; }
    if (!/\.(json|ndjson|jsonl|geojson|csv)$/i.test(file.name)) {
      showStatus('Unsupported file type: use .json, .ndjson, .geojson or .csv.', true);
      return;
    }
    showStatus('Importing ' + file.name + '…', false, true);
    api('POST', '/api/incidents/import', { body: file, headers: { 'Content-Type': contentTypeFor(file.name) } }).then(function (r) {
      showStatus('');
      showImportResult(file.name, r.body || {}, null);
      tilesStale = true;
      loadStats();
      refresh();
    }).catch(function (err) {
      showStatus('');
      // A rejected atomic import may still carry a result object.
      showImportResult(file.name, null, err);
    });
  }

  function showImportResult(name, res, err) {
    var body = $('import-body');
    clear(body);
    body.appendChild(el('p', null, ['File: ', el('b', { text: name })]));
    if (err) {
      body.appendChild(el('p', { class: 'err', text: 'Import failed: ' + err.message + (err.field ? ' (' + err.field + ')' : '') }));
      if (err.status === 401) { $('token-row').hidden = false; }
    }
    if (res) {
      var t = el('table', { class: 'result' });
      var hr = el('tr'), dr = el('tr');
      ['received', 'inserted', 'updated', 'rejected'].forEach(function (k) {
        hr.appendChild(el('th', { scope: 'col', text: k }));
        dr.appendChild(el('td', { text: fmtInt(res[k]) }));
      });
      t.appendChild(el('thead', null, [hr]));
      t.appendChild(el('tbody', null, [dr]));
      body.appendChild(t);
      var errs = Array.isArray(res.errors) ? res.errors : [];
      if (errs.length) {
        body.appendChild(el('h3', { text: 'Rejected records (' + fmtInt(errs.length) + ')' }));
        var et = el('table', { class: 'result' });
        var h = el('tr');
        ['#', 'source_id', 'field', 'error'].forEach(function (k) { h.appendChild(el('th', { scope: 'col', text: k })); });
        et.appendChild(el('thead', null, [h]));
        var tb = el('tbody');
        errs.slice(0, 500).forEach(function (x) {
          tb.appendChild(el('tr', null, [
            el('td', { text: x.index === undefined ? '' : String(x.index) }),
            el('td', { text: x.source_id || '' }),
            el('td', { text: x.field || '' }),
            el('td', { text: x.error || '' })
          ]));
        });
        et.appendChild(tb);
        body.appendChild(et);
        if (errs.length > 500) body.appendChild(el('p', { class: 'hint', text: 'Only the first 500 errors are shown.' }));
      }
    }
    var d = $('import-dialog');
    if (typeof d.showModal === 'function') { if (!d.open) d.showModal(); } else d.setAttribute('open', '');
  }

  function initDrop() {
    var wrap = document.querySelector('.map-wrap'), drop = $('drop');
    var depth = 0;
    function hasFiles(e) { return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], 'Files') >= 0; }
    wrap.addEventListener('dragenter', function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      drop.hidden = false;
    });
    wrap.addEventListener('dragover', function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = config.writable ? 'copy' : 'none';
    });
    wrap.addEventListener('dragleave', function () {
      depth = Math.max(0, depth - 1);
      if (!depth) drop.hidden = true;
    });
    wrap.addEventListener('drop', function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      drop.hidden = true;
      var f = e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) importFile(f);
    });
    $('import-file').addEventListener('change', function (e) {
      var f = e.target.files && e.target.files[0];
      if (f) importFile(f);
      e.target.value = '';
    });
  }

  // ---- panel ---------------------------------------------------------------

  function isPhone() { return window.matchMedia('(max-width: 720px)').matches; }

  function showPanel(on) {
    $('panel').classList.toggle('collapsed', !on);
    $('panel-toggle').setAttribute('aria-expanded', String(on));
    if (map) setTimeout(function () { map.invalidateSize(); }, 0);
  }

  function initPanel() {
    if (isPhone()) showPanel(false);
    $('panel-toggle').addEventListener('click', function () {
      showPanel($('panel').classList.contains('collapsed'));
    });
  }

  // ---- start ---------------------------------------------------------------

  function start() {
    if (typeof L === 'undefined') { showStatus('Map library failed to load.', true, true); return; }
    var hashView = readHash();
    var view = hashView || DEFAULT_VIEW;
    initPanel();
    buildTypeFilters(null);
    syncFilterInputs();
    initFilters();
    initLocate();
    initEditor();
    initDrop();

    api('GET', '/api/config').then(function (r) { return r.body || {}; }).catch(function () { return {}; }).then(function (c) {
      config = Object.assign(config, c);
      if (c.version) $('version').textContent = 'mapd ' + c.version;
      $('write-block').hidden = !config.writable;
      $('token-row').hidden = !(config.auth_required || config.read_auth_required);
      initMap(view);
      writeHash();
      loadStats().then(function () {
        syncFilterInputs();
        // A fresh visit (no view in the link) starts on the data.
        if (!hashView) fitToData(true);
        else refresh();
      });
    });

    window.addEventListener('hashchange', function () {
      var v = readHash();
      syncFilterInputs();
      pendingSelDone = false;
      if (v) map.setView([v.lat, v.lon], v.z);
      refresh();
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
