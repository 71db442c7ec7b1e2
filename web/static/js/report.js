/**
 * report: the "From a report" panel. A news text (pasted, or a .txt/.html
 * file) goes to POST /api/extract; the text comes back with its places,
 * dates, numbers and triggers highlighted, and the candidate incidents as
 * provisional markers and a list: each can be checked in the editor,
 * accepted (POST /api/incidents, with the source and its evidence in the
 * notes) or rejected; or all accepted at once. Nothing is stored until
 * accepted.
 */
import { $, el, clear, showStatus, featureLatLng } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { typeOf } from './types.js';
import { openEditor, dataChanged } from './editor.js';
import { wellFormed, reportSpans, segments, paragraphs, candidateIncident, candidateTitle } from './reporttext.js';

let layer = null;      // provisional markers
let candidates = [];   // [{feature, state: 'open'|'accepted'|'rejected', marker}]
let source = '';
let reportEvidence = []; // [{start, end, candidate}] in the shown text

const ROLE_TEXT = { event: 'place of an event', mentioned: 'place mentioned', demonym: 'demonym', actor: 'actor (not a place)' };

export function initReport() {
  $('report-form').addEventListener('submit', (e) => { e.preventDefault(); extract(); });
  $('report-file').addEventListener('change', (e) => {
    const f = e.target.files && e.target.files[0];
    if (f) openReportFile(f);
    e.target.value = '';
  });
  $('report-clear').addEventListener('click', clearReport);
  $('report-accept-all').addEventListener('click', acceptAll);
  const ta = $('report-text');
  ta.addEventListener('dragover', (e) => { e.preventDefault(); });
  ta.addEventListener('drop', (e) => {
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (!f) return;
    e.preventDefault();
    e.stopPropagation();
    openReportFile(f);
  });
}

/** htmlText returns the readable text of an HTML document (no script runs: it is only parsed). */
export function htmlText(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const n of doc.querySelectorAll('script, style, noscript, template, head')) n.remove();
  for (const n of doc.querySelectorAll('p, div, li, h1, h2, h3, h4, h5, h6, br, tr, article, section, blockquote, figcaption')) {
    n.after(doc.createTextNode(n.tagName === 'BR' ? '\n' : '\n\n'));
  }
  return (doc.body ? doc.body.textContent : '').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** openReportFile reads a dropped or chosen .txt/.html file into the panel and extracts from it. */
export async function openReportFile(file) {
  if (!/\.(txt|text|html?)$/i.test(file.name)) {
    showStatus('A report must be a .txt or .html file.', true);
    return;
  }
  const raw = await file.text();
  $('report-text').value = /\.html?$/i.test(file.name) ? htmlText(raw) : raw;
  if (!$('report-source').value) $('report-source').value = file.name;
  $('report-block').open = true;
  const panel = $('panel');
  if (panel.classList.contains('collapsed')) $('panel-toggle').click();
  extract();
}

async function extract() {
  const text = wellFormed($('report-text').value);
  const out = $('report-result');
  if (!text.trim()) {
    $('report-msg').textContent = 'Paste a report or choose a file first.';
    $('report-text').focus();
    return;
  }
  $('report-msg').textContent = 'Reading the report…';
  source = $('report-source').value.trim();
  const body = { text };
  const date = $('report-date').value;
  if (date) body.date = date;
  if (source) body.source = source;
  const cc = $('report-country').value.trim().toUpperCase();
  if (cc) body.country = cc;
  try {
    const r = await api('POST', '/api/extract', { json: body });
    showReport(text, r.body || {});
  } catch (err) {
    clear(out);
    $('report-msg').textContent = err.status === 404 ? 'This server cannot read reports (no /api/extract).' : 'Could not read the report: ' + err.message;
  }
}

/** showReport shows the text, highlighted, and the candidates of answer. */
export function showReport(text, answer) {
  clearCandidates();
  const feats = Array.isArray(answer.features) ? answer.features : [];
  const { spans, evidence } = reportSpans(text, answer);
  const n = feats.length;
  $('report-msg').textContent = (n ? n + (n === 1 ? ' candidate incident' : ' candidate incidents') : 'No incident found') +
    ', ' + ((answer.places || []).length) + ' place names' + (answer.date ? '; article date ' + answer.date : '') +
    (Array.isArray(answer.warnings) && answer.warnings.length ? '. ' + answer.warnings.join(' ') : '.');

  // The text, with its highlights; each run knows where it starts, so
  // that a candidate's evidence sentences can be marked.
  const box = $('report-view');
  clear(box);
  const cuts = evidence.flatMap((e) => [e.start, e.end]);
  for (const para of paragraphs(segments(text, spans, cuts))) {
    const pe = el('p');
    for (const s of para) {
      const range = { 'data-start': s.start, 'data-end': s.start + s.text.length };
      if (!s.span) { pe.appendChild(el('span', range, [s.text])); continue; }
      const k = s.span.kind;
      const title = k === 'place' ? (ROLE_TEXT[s.span.role] || s.span.role) + (s.span.matched ? '' : ', not found in the gazetteer')
        : k === 'trigger' && s.span.label ? 'trigger: ' + s.span.label : k;
      pe.appendChild(el('mark', { class: 'hl hl-' + k + (k === 'place' ? ' role-' + s.span.role : ''), title, ...range }, [s.text]));
    }
    box.appendChild(pe);
  }
  box.hidden = !text;
  reportEvidence = evidence;

  layer = L.layerGroup().addTo(app.map);
  const list = $('report-list');
  clear(list);
  const bounds = [];
  feats.forEach((f, i) => {
    const c = { feature: f, state: 'open', marker: null, index: i };
    candidates.push(c);
    const ll = featureLatLng(f);
    if (ll) {
      bounds.push(ll);
      const t = typeOf(f.properties && f.properties.event_type);
      c.marker = L.marker(ll, {
        icon: L.divIcon({ className: 'cand-marker t-' + t.key, iconSize: [18, 18], html: el('span', { text: String(i + 1) }) }),
        title: 'Candidate ' + (i + 1) + ': ' + candidateTitle(f) + ' (not stored yet)', alt: 'Candidate ' + (i + 1), keyboard: true,
      }).on('click', () => editCandidate(c)).addTo(layer);
    }
    list.appendChild(candidateRow(c));
  });
  $('report-actions').hidden = !n || !app.config.writable;
  $('report-result').hidden = false;
  if (bounds.length) app.map.flyToBounds(L.latLngBounds(bounds).pad(0.5), { maxZoom: 9, duration: 0.6 });
}

function candidateRow(c) {
  const f = c.feature, p = f.properties || {};
  const i = c.index;
  const conf = typeof p.confidence === 'number' ? Math.round(p.confidence * 100) + '%' : '?';
  const t = typeOf(p.event_type);
  const show = el('button', { type: 'button', class: 'cand-show', title: 'Show its sentences in the text and its marker on the map' },
    [el('span', { class: 'swatch t-' + t.key, 'aria-hidden': 'true' }), (i + 1) + '. ' + candidateTitle(f)]);
  show.addEventListener('click', () => focusCandidate(c));
  const meta = el('span', { class: 'sub', text: 'confidence ' + conf + (p.actor1 ? ' · ' + p.actor1 : '') + (p.actor2 ? ' vs. ' + p.actor2 : '') });
  const row = el('li', { 'data-candidate': String(i) }, [show, meta]);
  const state = el('span', { class: 'cand-state', role: 'status' });
  if (app.config.writable) {
    const edit = el('button', { type: 'button', text: 'Edit', 'aria-label': 'Edit candidate ' + (i + 1) });
    const accept = el('button', { type: 'button', class: 'primary', text: 'Accept', 'aria-label': 'Accept candidate ' + (i + 1) });
    const reject = el('button', { type: 'button', text: 'Reject', 'aria-label': 'Reject candidate ' + (i + 1) });
    edit.addEventListener('click', () => editCandidate(c));
    accept.addEventListener('click', () => accept1(c));
    reject.addEventListener('click', () => settle(c, 'rejected'));
    row.appendChild(el('div', { class: 'row actions' }, [edit, accept, reject, state]));
  } else {
    row.appendChild(state);
  }
  c.row = row;
  return row;
}

/** focusCandidate marks the candidate's evidence in the text and shows its marker. */
function focusCandidate(c) {
  const box = $('report-view');
  const ev = reportEvidence.filter((e) => e.candidate === c.index);
  let first = null;
  for (const run of box.querySelectorAll('[data-start]')) {
    const s = Number(run.dataset.start), e = Number(run.dataset.end);
    const on = ev.some((x) => s >= x.start && e <= x.end);
    run.classList.toggle('ev', on);
    if (on && !first) first = run;
  }
  if (first) first.scrollIntoView({ block: 'nearest' });
  if (c.marker) app.map.panTo(c.marker.getLatLng());
  for (const li of $('report-list').children) li.classList.toggle('sel', li === c.row);
}

function editCandidate(c) {
  if (c.state !== 'open') return;
  if (!app.config.writable) { focusCandidate(c); return; }
  const o = candidateIncident(c.feature, source);
  const f = { type: 'Feature', geometry: c.feature.geometry || null, properties: o };
  openEditor(f, { title: 'Check candidate ' + (c.index + 1), onSaved: () => settle(c, 'accepted') });
}

async function accept1(c) {
  if (c.state !== 'open') return true;
  try {
    await api('POST', '/api/incidents', { json: candidateIncident(c.feature, source) });
    settle(c, 'accepted');
    return true;
  } catch (err) {
    c.row.querySelector('.cand-state').textContent = 'Not stored: ' + err.message + (err.field ? ' (' + err.field + ')' : '');
    if (err.status === 401) $('token-row').hidden = false;
    return false;
  }
}

async function acceptAll() {
  let stored = 0, failed = 0;
  for (const c of candidates) {
    if (c.state !== 'open') continue;
    if (await accept1(c)) stored++; else failed++;
  }
  $('report-msg').textContent = stored + ' stored' + (failed ? ', ' + failed + ' not stored (see below).' : '.');
  if (stored) dataChanged();
}

/** settle marks a candidate accepted or rejected and takes its marker off the map. */
function settle(c, state) {
  c.state = state;
  if (c.marker && layer) layer.removeLayer(c.marker);
  c.row.classList.add(state);
  c.row.querySelector('.cand-state').textContent = state === 'accepted' ? 'Accepted: stored.' : 'Rejected.';
  for (const b of c.row.querySelectorAll('.actions button')) b.disabled = true;
  if (state === 'accepted') dataChanged();
  const next = candidates.find((x) => x.state === 'open');
  if (next) next.row.querySelector('.cand-show').focus();
  $('report-accept-all').disabled = !next;
}

function clearCandidates() {
  if (layer) app.map.removeLayer(layer);
  layer = null;
  candidates = [];
  $('report-accept-all').disabled = false;
}

function clearReport() {
  clearCandidates();
  $('report-text').value = '';
  clear($('report-view'));
  clear($('report-list'));
  $('report-msg').textContent = '';
  $('report-result').hidden = true;
  $('report-text').focus();
}
