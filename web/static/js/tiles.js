/**
 * tiles: incidents drawn from mapd's vector tiles when the view holds more
 * than the server's threshold: clusters with their count, single
 * incidents from zoom 9, in the colour of their (dominant) event type.
 */
import { authHeaders } from './api.js';
import { app } from './context.js';
import { typeOf } from './types.js';
import { showStatus } from './util.js';
import { markerSize, openIncidentPopup, showLayers, currentMode } from './map.js';

const TILE_URL = '/tiles/incidents/{z}/{x}/{y}.mvt';

let tileLayer = null;   // the vector tile layer drawn now
let tileLayerURL = '';
let stale = false;      // data changed: tiles must be fetched again
let tileRenderers = []; // the renderers of the tiles on the map

export function currentTileLayer() { return tileLayer; }
export function markTilesStale() { stale = true; }

/** useTiles reports whether a view of matched incidents is drawn from vector tiles. */
export function useTiles(matched) {
  const threshold = Number(app.config.tile_threshold) || 0;
  return threshold > 0 && typeof matched === 'number' && matched > threshold && !!tileCanvas();
}

/**
 * clusterRadius grows with the count but stays within the server's
 * cluster cells (an 8 by 8 grid per 256-pixel tile), so that neighbouring
 * clusters barely overlap.
 */
export function clusterRadius(n) {
  return Math.min(16, Math.round(8 + 2.5 * Math.log(Math.max(1, n)) / Math.LN10));
}

/** shortCount writes a count in at most four characters: 950, 1.2k, 35k, 1.1M. */
export function shortCount(n) {
  if (n < 1000) return String(n);
  if (n < 10000) return (n / 1000).toFixed(1).replace(/\.0$/, '') + 'k';
  if (n < 1000000) return Math.round(n / 1000) + 'k';
  return (n / 1000000).toFixed(1).replace(/\.0$/, '') + 'M';
}

function tileStyle(p) {
  const t = typeOf(p.event_type);
  if (p.cluster) {
    return { radius: clusterRadius(Number(p.count) || 1), fill: true, fillColor: t.color, fillOpacity: 0.85, color: '#fff', weight: 2, opacity: 1 };
  }
  return { radius: markerSize(p.fatalities) / 2, fill: true, fillColor: t.color, fillOpacity: 1, color: '#fff', weight: 1.5, opacity: 1 };
}

// Each tile's canvas reaches TILE_PAD pixels beyond the tile on every
// side, so that a circle near an edge is drawn whole by its own tile
// instead of being cut there (tiles carry only the features inside them).
const TILE_PAD = 24;

let TileCanvas = null;
/**
 * tileCanvas returns the renderer class of one vector tile, made once
 * Leaflet.VectorGrid is loaded; null without it. It draws on a padded
 * canvas and writes each cluster's count on its circle. Its canvas takes
 * no pointer events (padded canvases overlap): clicks and hovering are
 * handled on the map, see tileFeatureAt.
 */
function tileCanvas() {
  if (TileCanvas || !L.Canvas || !L.Canvas.Tile || !L.vectorGrid) return TileCanvas;
  TileCanvas = L.Canvas.Tile.extend({
    initialize(tileCoord, tileSize, options) {
      L.Canvas.Tile.prototype.initialize.call(this, tileCoord, tileSize, options);
      this._container.width = tileSize.x + 2 * TILE_PAD;
      this._container.height = tileSize.y + 2 * TILE_PAD;
      this._ctx.translate(TILE_PAD, TILE_PAD);
    },
    // addTo runs once the tile is drawn, after the grid layer sized the
    // canvas to the tile: widen it by the padding.
    addTo(m) {
      L.Canvas.Tile.prototype.addTo.call(this, m);
      const st = this._container.style;
      st.width = (this._size.x + 2 * TILE_PAD) + 'px';
      st.height = (this._size.y + 2 * TILE_PAD) + 'px';
      st.marginLeft = st.marginTop = -TILE_PAD + 'px';
      // A tile unloaded before its data came is no longer in the page.
      if (this._container.parentNode) tileRenderers.push(this);
    },
    _updateCircle(layer) {
      L.Canvas.Tile.prototype._updateCircle.call(this, layer);
      const p = layer.properties;
      if (!this._drawing || !p || !p.cluster) return;
      const ctx = this._ctx;
      const label = shortCount(Number(p.count) || 0);
      ctx.save();
      ctx.font = 'bold ' + (label.length > 3 ? 10 : 11) + 'px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(0,0,0,.7)';
      ctx.strokeText(label, layer._point.x, layer._point.y);
      ctx.fillStyle = '#fff';
      ctx.fillText(label, layer._point.x, layer._point.y);
      ctx.restore();
    },
  });
  return TileCanvas;
}

/**
 * tileFeatureAt returns the tile feature drawn at a layer point, with its
 * renderer, or null. It asks every tile of the map's zoom whose padded
 * canvas covers the point; the last drawn feature wins.
 */
export function tileFeatureAt(layerPoint) {
  const map = app.map;
  if (currentMode() !== 'tiles' || !tileLayer || !map.hasLayer(tileLayer)) return null;
  const z = Math.round(map.getZoom());
  let hit = null;
  for (const r of tileRenderers) {
    if (!r._map || r.getCoord().z !== z) continue;
    const p = layerPoint.subtract(r.getOffset());
    if (p.x < -TILE_PAD || p.y < -TILE_PAD || p.x > r._size.x + TILE_PAD || p.y > r._size.y + TILE_PAD) continue;
    for (const id in r._layers) {
      if (r._layers[id]._containsPoint(p)) hit = { feature: r._layers[id], renderer: r };
    }
  }
  return hit;
}

/** onTileHover shows the pointer over a clickable tile feature. */
export function onTileHover(e) {
  app.map.getContainer().classList.toggle('tile-hover', !!tileFeatureAt(e.layerPoint));
}

function newLayer(url) {
  const Canvas = tileCanvas();
  const layer = L.vectorGrid.protobuf(url, {
    pane: 'incidentTiles',
    rendererFactory: (coords, size, opts) => new Canvas(coords, size, opts),
    vectorTileLayerStyles: { incidents: tileStyle },
    fetchOptions: { headers: authHeaders(), credentials: 'same-origin' },
  });
  layer.on('tileunload', (e) => {
    tileRenderers = tileRenderers.filter((r) => r.getContainer() !== e.tile);
  });
  return layer;
}

/** loaded resolves once the layer has drawn every tile of the view (or after ms). */
function loaded(layer, ms) {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(t); layer.off('load', done); resolve(); };
    const t = setTimeout(done, ms);
    if (layer._map && !layer._loading && Object.keys(layer._tiles || {}).length && layer.isLoading && !layer.isLoading()) { done(); return; }
    layer.on('load', done);
  });
}

/**
 * showTiles draws the incidents from vector tiles with the filters fkey
 * (the query of /api/incidents without bbox and limit). It resolves once
 * the tiles of the view are drawn.
 */
export function showTiles(fkey) {
  const url = TILE_URL + (fkey ? '?' + fkey : '');
  const map = app.map;
  let wait;
  if (!tileLayer) {
    tileLayer = newLayer(url);
    tileLayer.addTo(map);
    wait = loaded(tileLayer, 5000);
  } else {
    tileLayer.options.fetchOptions = { headers: authHeaders(), credentials: 'same-origin' };
    if (url !== tileLayerURL) tileLayer.setUrl(url);
    else if (stale) tileLayer.redraw();
    if (!map.hasLayer(tileLayer)) tileLayer.addTo(map);
    wait = loaded(tileLayer, 5000);
  }
  tileLayerURL = url;
  stale = false;
  showLayers();
  return wait;
}

/**
 * onTileFeatureClick zooms into a cluster, or opens an incident's popup
 * with its full details from /api/incidents/{id}.
 */
export function onTileFeatureClick(feature, renderer) {
  const map = app.map;
  const c = renderer.getCoord();
  const ll = map.unproject(c.scaleBy(tileLayer.getTileSize()).add(feature._point), c.z);
  const p = feature.properties || {};
  if (p.cluster || p.id === undefined) {
    map.setView(ll, Math.min(map.getMaxZoom(), map.getZoom() + 2));
    return;
  }
  openIncidentPopup(String(p.id), ll).catch((err) => showStatus('Could not load incident #' + p.id + ': ' + err.message, true));
}
