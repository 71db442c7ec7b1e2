/**
 * timeline: the incidents per month (per year over long spans) in view as
 * bars over the data's whole date range, and the time slider over it: a
 * window (the from/to filters) that can be dragged, resized from either
 * end, stepped by a day, week or month, and played. The map, totals,
 * chart and list follow the window; the window lives in the URL.
 */
import { $, el, clear, fmtInt, debounce, showStatus } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { addDays, daysBetween, lastOfMonth, stepWindow, clampWindow, playStart, playWindows, STEPS } from './state.js';
import { refresh, params, writeHash, bboxParam, showTotals, refreshPlayList } from './loader.js';
import { syncFilterInputs, syncDateInputs } from './filters.js';
import { setPlaying, showPlayLine } from './map.js';
import { FrameSource, showFrame } from './playback.js';

/** FRAME_MS is how long a playback frame stays: 12.5 frames a second. */
const FRAME_MS = 80;
/** CATCH_UP is how many frames late playback may be and still catch up. */
const CATCH_UP = 3;
/** LIST_MS is how often the side list follows playback (the full list once it stops). */
const LIST_MS = 1500;
/** HASH_MS is how often the URL follows playback (and once it stops). */
const HASH_MS = 500;
/** THUMB_PX is the width of the slider's thumbs (app.css). */
const THUMB_PX = 14;

let contextKey = '';
let contextStats = null;
let playing = false;
let playGen = 0;   // counts playbacks, so that a paused one's loop ends for good
let source = null; // the frames of the view played (playback.js)
let drag = null;

/**
 * playback holds the figures of the last playback, for the tests and the
 * benchmark: frames drawn, when Play was pressed (started), the first
 * and the last frame were drawn (first, last) and playback ended (ended), the time each frame
 * took to draw (drawMs) and the time spent waiting for frames (waitMs).
 */
export const playback = { frames: 0, started: 0, first: 0, last: 0, ended: 0, drawMs: [], waitMs: 0 };

const refreshSoon = debounce(() => refresh(), 150);

function range() { return app.range.min && app.range.max ? app.range : null; }

export function initTimeline() {
  const sFrom = $('s-from'), sTo = $('s-to');
  sFrom.addEventListener('input', () => onThumb('from'));
  sTo.addEventListener('input', () => onThumb('to'));
  $('s-back').addEventListener('click', () => step(-1));
  $('s-fwd').addEventListener('click', () => step(1));
  $('s-play').addEventListener('click', () => (playing ? pause() : play()));
  $('s-all').addEventListener('click', () => {
    stop();
    app.filters.from = app.filters.to = '';
    changed();
  });
  const sel = $('s-step');
  sel.value = app.filters.step;
  sel.addEventListener('change', () => {
    app.filters.step = STEPS.includes(sel.value) ? sel.value : 'month';
    writeHash();
  });
  const win = $('s-window');
  win.addEventListener('pointerdown', startDrag);
  window.addEventListener('pointermove', moveDrag);
  window.addEventListener('pointerup', endDrag);
  window.addEventListener('pointercancel', endDrag);
  syncSlider();
}

/** syncSlider puts the slider's thumbs, window and text where the filters are. */
export function syncSlider() {
  const r = range();
  const box = $('slider');
  const ctl = $('slider-ctl');
  box.hidden = ctl.hidden = !r;
  if (!r) return;
  const n = Math.max(1, daysBetween(r.min, r.max));
  const from = app.filters.from || r.min, to = app.filters.to || r.max;
  const a = Math.max(0, Math.min(n, daysBetween(r.min, from))), b = Math.max(0, Math.min(n, daysBetween(r.min, to)));
  for (const [id, v, label] of [['s-from', a, 'Window start'], ['s-to', b, 'Window end']]) {
    const s = $(id);
    s.min = '0';
    s.max = String(n);
    s.value = String(v);
    s.setAttribute('aria-valuetext', label + ': ' + addDays(r.min, v));
  }
  // The window spans the thumbs' centres, which run from half a thumb
  // (THUMB_PX / 2) from the track's ends.
  const w = $('s-window');
  w.style.left = 'calc(' + THUMB_PX / 2 + 'px + (100% - ' + THUMB_PX + 'px) * ' + (a / n).toFixed(6) + ')';
  w.style.width = 'calc((100% - ' + THUMB_PX + 'px) * ' + (Math.max(0, b - a) / n).toFixed(6) + ')';
  const open = !app.filters.from && !app.filters.to;
  $('s-text').textContent = open ? 'All dates: ' + r.min + ' to ' + r.max : app.filters.from + ' to ' + app.filters.to +
    ' (' + fmtInt(daysBetween(from, to) + 1) + (daysBetween(from, to) === 0 ? ' day)' : ' days)');
  $('s-play').textContent = playing ? 'Pause' : 'Play';
  $('s-play').setAttribute('aria-pressed', String(playing));
  $('s-step').value = app.filters.step;
}

function onThumb(which) {
  const r = range();
  if (!r) return;
  stop();
  let a = Number($('s-from').value), b = Number($('s-to').value);
  if (a > b) {
    if (which === 'from') b = a; else a = b;
  }
  app.filters.from = addDays(r.min, a);
  app.filters.to = addDays(r.min, b);
  changed(true);
}

/** changed tells the rest of the map that the window moved. */
function changed(soon) {
  syncSlider();
  syncFilterInputs();
  markBars();
  writeHash();
  if (soon) refreshSoon(); else refresh();
}

function step(dir) {
  const r = range();
  if (!r) return;
  stop();
  const w = stepWindow(app.filters, app.filters.step, dir, r.min, r.max);
  if (!w) return;
  app.filters.from = w.from;
  app.filters.to = w.to;
  changed();
}

// ---- dragging the window ---------------------------------------------------

function startDrag(e) {
  const r = range();
  if (!r || e.button !== 0) return;
  e.preventDefault();
  if (playing) pause();
  const track = $('slider').getBoundingClientRect();
  drag = { x: e.clientX, width: Math.max(1, track.width - THUMB_PX), from: app.filters.from || r.min, to: app.filters.to || r.max, id: e.pointerId };
  $('s-window').setPointerCapture && $('s-window').setPointerCapture(e.pointerId);
  $('s-window').classList.add('dragging');
}

function moveDrag(e) {
  if (!drag || e.pointerId !== drag.id) return;
  const r = range();
  const n = Math.max(1, daysBetween(r.min, r.max));
  const days = Math.round((e.clientX - drag.x) / drag.width * n);
  const w = clampWindow(addDays(drag.from, days), addDays(drag.to, days), r.min, r.max);
  if (w.from === app.filters.from && w.to === app.filters.to) return;
  app.filters.from = w.from;
  app.filters.to = w.to;
  changed(true);
}

function endDrag(e) {
  if (!drag || e.pointerId !== drag.id) return;
  drag = null;
  $('s-window').classList.remove('dragging');
}

// ---- playback --------------------------------------------------------------

/** isPlaying reports whether playback runs. */
export function isPlaying() { return playing; }

/** viewSource returns the frames of windows from k on for the view as it is now. */
function viewSource(windows) {
  const map = app.map;
  return new FrameSource(windows, params(), bboxParam(), Math.round(map.getZoom()));
}

/** playViewChanged fetches the frames again for the view (the map moved while playing). */
export function playViewChanged() {
  if (!playing || !source) return;
  const old = source;
  source = viewSource(old.windows);
  old.close();
  renderTimeline();
}

/**
 * play steps the window forward from the current one (or the start of
 * the data) to the end of the data, a frame every FRAME_MS. The frames
 * come ahead of time from /api/playback (playback.js) and each is drawn
 * from memory: the map, the totals and the chart's marks every frame,
 * the side list at most every LIST_MS.
 */
export async function play() {
  const r = range();
  if (!r || playing) return;
  playing = true;
  const gen = ++playGen;
  Object.assign(playback, { frames: 0, drawMs: [], uiMs: [], mapMs: [], totalsMs: [], lateMs: [], waitMs: 0, started: performance.now(), first: 0, last: 0, ended: 0 });
  document.body.setAttribute('data-playing', '1');
  setBusy(true);
  const windows = playWindows(playStart(app.filters, app.filters.step, r.min, r.max), app.filters.step, r.min, r.max);
  source = viewSource(windows);
  syncSlider();
  let due = 0, listAt = 0, hashAt = 0;
  for (let k = 0; playing && gen === playGen && k < windows.length; k++) {
    const t0 = performance.now();
    let frame;
    try {
      frame = await source.get(k);
    } catch (e) {
      if (!playing) break;
      if (e && e.name === 'AbortError') { k--; continue; } // the view changed: the new source's frame
      showStatus('Could not load the playback: ' + (e.message || e), true);
      break;
    }
    if (!playing || gen !== playGen) break;
    const t1 = performance.now();
    playback.waitMs += t1 - t0;
    if (k > 0) playback.lateMs.push(Math.max(0, t1 - due));
    if (k === 0) setPlaying(true);
    app.filters.from = windows[k].from;
    app.filters.to = windows[k].to;
    syncSlider();
    syncDateInputs();
    markBars();
    if (t1 - hashAt >= HASH_MS || k === windows.length - 1) {
      hashAt = t1;
      writeHash();
    }
    const ta = performance.now();
    if (frame) showFrame(frame, source.zoom);
    const tb = performance.now();
    if (frame) {
      showTotals(frame.count, frame.fatalities);
      showPlayLine(frame.count);
    }
    if (t1 - listAt >= LIST_MS) {
      listAt = t1;
      refreshPlayList(frame ? frame.count : null);
    }
    const t2 = performance.now();
    playback.frames++;
    playback.drawMs.push(t2 - t1);
    playback.uiMs.push(ta - t1);
    playback.mapMs.push(tb - ta);
    playback.totalsMs.push(t2 - tb);
    if (!playback.first) playback.first = t2;
    playback.last = t2;
    document.body.setAttribute('data-play-frames', String(playback.frames));
    // Frames are due every FRAME_MS on a clock, as a video plays: a frame
    // drawn late is followed by the next at once, so a slow frame or two
    // cost no pace; after a wait for data or a longer delay the clock
    // starts again from now, so frames never rush to catch up.
    due = k === 0 || t1 - t0 > FRAME_MS || t2 - due > CATCH_UP * FRAME_MS ? t2 + FRAME_MS : due + FRAME_MS;
    await new Promise((res) => setTimeout(res, Math.max(0, due - performance.now())));
  }
  // At the end (or on an error): the map's own layers and the full side
  // list for the window shown. Whoever stopped playback before refreshes.
  if (playing && gen === playGen) refresh();
}

/**
 * stop ends playback; the frame drawn stays until the next refresh draws
 * the map's own layers over the window (loader.js).
 */
export function stop() {
  if (!playing) return;
  playing = false;
  playback.ended = performance.now();
  if (source) source.close();
  source = null;
  document.body.removeAttribute('data-playing');
  setBusy(false);
  syncSlider();
  syncFilterInputs();
  writeHash();
}

/**
 * setBusy marks the live regions that playback rewrites every frame as
 * busy, so that screen readers announce them once it stops, not 12 times
 * a second.
 */
function setBusy(on) {
  for (const id of ['summary', 's-text', 'mode']) {
    const e = $(id);
    if (!e) continue;
    if (on) e.setAttribute('aria-busy', 'true'); else e.removeAttribute('aria-busy');
  }
}

/** pause stops playback and draws the window shown with the map's own layers. */
function pause() {
  stop();
  refresh();
}

// ---- the chart -------------------------------------------------------------

/**
 * renderTimeline draws the chart of the view over the data's whole range
 * (the filters but the window), with the window's bars marked. Its stats
 * are fetched again only when the view or the other filters change, so
 * that moving the window costs no extra request.
 */
export async function renderTimeline() {
  const p = params();
  p.delete('from');
  p.delete('to');
  const b = app.map.getBounds();
  p.set('bbox', [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())].map((v) => v.toFixed(2)).join(','));
  const key = p.toString();
  if (key !== contextKey) {
    contextKey = key;
    try {
      const r = await api('GET', '/api/stats?' + key);
      if (contextKey !== key) return;
      contextStats = r.body;
    } catch {
      if (contextKey !== key) return;
      contextStats = null;
    }
    drawBars(contextStats);
  }
  markBars();
}

let bars = [];

/** redrawTimeline draws the chart again from the statistics it has (the data's range changed). */
export function redrawTimeline() {
  if (!contextKey) return;
  drawBars(contextStats);
  markBars();
}

function drawBars(st) {
  const box = $('timeline');
  clear(box);
  bars = [];
  const r = range();
  const months = st && Array.isArray(st.by_month) ? st.by_month.filter((b) => /^\d{4}-\d{2}$/.test(b.key)) : [];
  if (!months.length || !r) { $('time-note').textContent = '(nothing in view)'; $('timeline-axis').replaceChildren(); return; }
  const byKey = new Map(months.map((b) => [b.key, b]));
  const y0 = Number(r.min.slice(0, 4)), m0 = Number(r.min.slice(5, 7));
  const y1 = Number(r.max.slice(0, 4)), m1 = Number(r.max.slice(5, 7));
  const span = (y1 - y0) * 12 + (m1 - m0) + 1;
  if (span <= 72) {
    for (let i = 0; i < span; i++) {
      const y = y0 + Math.floor((m0 - 1 + i) / 12), m = (m0 - 1 + i) % 12 + 1;
      const key = y + '-' + String(m).padStart(2, '0');
      const b = byKey.get(key) || {};
      bars.push({ label: key, from: key + '-01', to: lastOfMonth(key + '-01'), count: b.count || 0, fatalities: b.fatalities || 0 });
    }
    $('time-note').textContent = '(per month)';
  } else {
    for (let y = y0; y <= y1; y++) bars.push({ label: String(y), from: y + '-01-01', to: y + '-12-31', count: 0, fatalities: 0 });
    for (const b of months) {
      const bar = bars[Number(b.key.slice(0, 4)) - y0];
      if (!bar) continue;
      bar.count += b.count || 0;
      bar.fatalities += b.fatalities || 0;
    }
    $('time-note').textContent = '(per year)';
  }
  const max = Math.max(...bars.map((b) => b.count)) || 1;
  for (const b of bars) {
    const desc = b.label + ': ' + fmtInt(b.count) + (b.count === 1 ? ' incident, ' : ' incidents, ') + fmtInt(b.fatalities) + ' fatalities';
    const btn = el('button', { type: 'button', title: desc, 'aria-label': desc, 'aria-pressed': 'false', class: b.fatalities ? 'fat' : '' });
    btn.style.height = (b.count ? Math.max(3, Math.round(b.count / max * 62)) : 1) + 'px';
    btn.addEventListener('click', () => {
      stop();
      if (app.filters.from === b.from && app.filters.to === b.to) { app.filters.from = ''; app.filters.to = ''; }
      else { app.filters.from = b.from; app.filters.to = b.to; }
      changed();
    });
    b.button = btn;
    box.appendChild(btn);
  }
  $('timeline-axis').replaceChildren(el('span', { text: bars[0].label }), el('span', { text: bars.length > 1 ? bars[bars.length - 1].label : '' }));
}

/**
 * markBars marks the bars inside the window (the bar equal to it as
 * pressed), touching only the bars whose mark changes.
 */
function markBars() {
  const f = app.filters;
  for (const b of bars) {
    const exact = f.from === b.from && f.to === b.to;
    const mark = exact ? 'active' : !!(f.from || f.to) && b.to >= (f.from || '0000') && b.from <= (f.to || '9999') ? 'in' : '';
    if (b.mark === mark) continue;
    b.mark = mark;
    b.button.classList.toggle('active', exact);
    b.button.classList.toggle('in', mark === 'in');
    b.button.setAttribute('aria-pressed', String(exact));
  }
}
