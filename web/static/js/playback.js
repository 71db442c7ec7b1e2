/**
 * playback: what the time slider draws while it plays. The frames (the
 * totals in view and the clusters of the vector tiles, per window) come
 * from /api/playback a chunk of windows at a time, ahead of the frame
 * drawn, and a frame is drawn from memory on one canvas: no request, no
 * layer made or removed per frame.
 */
import { api } from './api.js';
import { app } from './context.js';
import { typeOf } from './types.js';
import { clusterRadius, shortCount } from './tiles.js';
import { markerSize } from './map.js';
import { HEAT_OPTIONS, heatData } from './heat.js';

/** FIRST_CHUNK windows are asked for first, so the first frame comes soon; CHUNK at a time after it. */
const FIRST_CHUNK = 6;
const CHUNK = 48;
/** ClusterMaxZoom of the server (web/tiles.go): from it on, one-incident cells are drawn as incidents. */
const POINT_ZOOM = 9;

/** chunkOf returns the windows [start, end) of the chunk holding window k. */
function chunkOf(k, n) {
  if (k < FIRST_CHUNK) return [0, Math.min(n, FIRST_CHUNK)];
  const start = FIRST_CHUNK + Math.floor((k - FIRST_CHUNK) / CHUNK) * CHUNK;
  return [start, Math.min(n, start + CHUNK)];
}

/**
 * FrameSource fetches the frames of windows for one view (bbox, zoom and
 * the filters but the dates, in params): get(k) resolves to frame k,
 * fetching its chunk if needed and the next chunk ahead of it.
 */
export class FrameSource {
  constructor(windows, params, bbox, zoom) {
    this.windows = windows;
    this.base = new URLSearchParams(params);
    this.base.delete('from');
    this.base.delete('to');
    this.base.set('bbox', bbox);
    this.base.set('zoom', String(zoom));
    this.zoom = zoom;
    this.chunks = new Map(); // start -> Promise of frames
    this.ctrl = new AbortController();
  }

  chunk(start, end) {
    let p = this.chunks.get(start);
    if (!p) {
      const q = new URLSearchParams(this.base);
      q.set('windows', this.windows.slice(start, end).map((w) => w.from + '/' + w.to).join(','));
      p = api('GET', '/api/playback?' + q.toString(), { signal: this.ctrl.signal }).then((r) => {
        const b = r.body || {};
        const types = Array.isArray(b.event_types) ? b.event_types : [];
        return (Array.isArray(b.frames) ? b.frames : []).map((f) => ({ ...f, types }));
      });
      // A failed chunk is asked for again by the next get.
      p.catch(() => { if (this.chunks.get(start) === p) this.chunks.delete(start); });
      this.chunks.set(start, p);
    }
    return p;
  }

  /** get resolves to frame k (rejects when its chunk could not be fetched). */
  async get(k) {
    const n = this.windows.length;
    const [start, end] = chunkOf(k, n);
    const p = this.chunk(start, end);
    if (end < n) this.chunk(...chunkOf(end, n)).catch(() => {});
    const frames = await p;
    return frames[k - start] || null;
  }

  close() { this.ctrl.abort(); }
}

/** labels caches the drawn count labels by text: drawing a bitmap costs far less than drawing outlined text. */
const labels = new Map();
const LABELS_MAX = 4000;

/** labelImage returns a canvas with the count label drawn as the vector tiles draw it (tiles.js), centred. */
function labelImage(text, dpr) {
  const key = text + '@' + dpr;
  let img = labels.get(key);
  if (img) return img;
  if (labels.size >= LABELS_MAX) labels.clear();
  const w = 36, h = 18;
  img = document.createElement('canvas');
  img.width = w * dpr;
  img.height = h * dpr;
  const ctx = img.getContext('2d');
  ctx.scale(dpr, dpr);
  ctx.font = 'bold ' + (text.length > 3 ? 10 : 11) + 'px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(0,0,0,.7)';
  ctx.strokeText(text, w / 2, h / 2);
  ctx.fillStyle = '#fff';
  ctx.fillText(text, w / 2, h / 2);
  labels.set(key, img);
  return img;
}

/**
 * PlayLayer draws one frame's clusters on a canvas the size of the map,
 * as the vector tiles draw them (tiles.js), redrawn when the map moves.
 */
const PlayLayer = L.Layer.extend({
  onAdd(map) {
    this._canvas = L.DomUtil.create('canvas', 'play-layer leaflet-zoom-hide');
    this._canvas.setAttribute('aria-hidden', 'true');
    map.getPane('incidentTiles').appendChild(this._canvas);
    map.on('moveend zoomend resize viewreset', this._reset, this);
    this._reset();
  },
  onRemove(map) {
    map.off('moveend zoomend resize viewreset', this._reset, this);
    this._canvas.remove();
    this._canvas = null;
  },
  setFrame(frame, zoom) {
    this._frame = frame;
    this._zoom = zoom;
    this._draw();
  },
  _reset() {
    const map = this._map, c = this._canvas;
    if (!map || !c) return;
    const size = map.getSize(), dpr = window.devicePixelRatio || 1;
    if (c.width !== Math.round(size.x * dpr) || c.height !== Math.round(size.y * dpr)) {
      c.width = Math.round(size.x * dpr);
      c.height = Math.round(size.y * dpr);
      c.style.width = size.x + 'px';
      c.style.height = size.y + 'px';
    }
    L.DomUtil.setPosition(c, map.containerPointToLayerPoint([0, 0]));
    this._draw();
  },
  _draw() {
    const map = this._map, c = this._canvas, fr = this._frame;
    if (!map || !c) return;
    const ctx = c.getContext('2d'), dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    if (!fr || !Array.isArray(fr.clusters)) return;
    const size = map.getSize();
    const points = this._zoom >= POINT_ZOOM;
    const colors = fr.types.map((t) => typeOf(t).color);
    for (const [lon, lat, n, fat, ti] of fr.clusters) {
      const p = map.latLngToContainerPoint([lat, lon]);
      if (p.x < -20 || p.y < -20 || p.x > size.x + 20 || p.y > size.y + 20) continue;
      const color = colors[ti];
      const single = points && n === 1;
      const r = single ? markerSize(fat) / 2 : clusterRadius(n);
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      ctx.globalAlpha = single ? 1 : 0.85;
      ctx.fillStyle = color;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = single ? 1.5 : 2;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      if (single) continue;
      ctx.drawImage(labelImage(shortCount(n), dpr), p.x - 18, p.y - 9, 36, 18);
    }
  },
});

let layer = null;
// In heat map mode a frame is drawn as a heat map of its clusters, on a
// scale fixed by the playback's first frame so that windows compare.
let heatLayer = null, heatMax = 0;

/**
 * showFrame draws a frame of a view of zoom on the map, over the incident
 * layers: its clusters as the vector tiles draw them, or in heat map mode
 * as a heat map.
 */
export function showFrame(frame, zoom) {
  if (app.filters.heat) {
    showHeatFrame(frame);
    return;
  }
  if (heatLayer && app.map.hasLayer(heatLayer)) app.map.removeLayer(heatLayer);
  if (!layer) layer = new PlayLayer();
  if (!app.map.hasLayer(layer)) layer.addTo(app.map);
  layer.setFrame(frame, zoom);
}

/** showHeatFrame draws a frame's clusters ([lon, lat, count, ...]) as a heat map. */
function showHeatFrame(frame) {
  if (layer && app.map.hasLayer(layer)) app.map.removeLayer(layer);
  if (!heatLayer) heatLayer = L.heatLayer([], HEAT_OPTIONS);
  if (!app.map.hasLayer(heatLayer)) heatLayer.addTo(app.map);
  const d = heatData(frame && Array.isArray(frame.clusters) ? frame.clusters : []);
  if (!heatMax) {
    heatMax = d.max;
    heatLayer.setOptions({ max: heatMax });
  }
  heatLayer.setLatLngs(d.latlngs);
}

/** hideFrames takes the playback canvas or heat map off the map. */
export function hideFrames() {
  if (layer && app.map.hasLayer(layer)) app.map.removeLayer(layer);
  if (heatLayer && app.map.hasLayer(heatLayer)) app.map.removeLayer(heatLayer);
  heatMax = 0;
}
