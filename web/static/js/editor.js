/**
 * editor: the form that adds and edits an incident (POST and PUT
 * /api/incidents), with place lookup in the gazetteer and a draggable pin;
 * deleting; the API token box.
 */
import { $, el, clear, featureId, featureLatLng, showStatus } from './util.js';
import { api, TOKEN_KEY } from './api.js';
import { app } from './context.js';
import { refresh, writeHash, reopenSelection } from './loader.js';
import { markTilesStale } from './tiles.js';
import { loadStats } from './filters.js';
import { showPanel } from './panel.js';
import { placeLabel, placeZoom, searchPlaces } from './locate.js';

let editing = null; // null: closed; {id: null|string, onSaved}
let editPin = null;
const NUM_FIELDS = ['fatalities', 'injuries', 'lat', 'lon', 'geo_precision'];
const TEXT_FIELDS = ['date', 'date_precision', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'place', 'country', 'admin1', 'notes', 'source_id'];

function editField(name) { return $('edit-form').elements.namedItem(name); }

function clearErrors() {
  const f = $('edit-form');
  for (const e of f.querySelectorAll('.err')) e.textContent = '';
  for (const e of f.querySelectorAll('.invalid')) { e.classList.remove('invalid'); e.removeAttribute('aria-invalid'); }
}

function showFieldError(field, msg) {
  const f = $('edit-form');
  let slot = field ? f.querySelector('.err[data-field="' + CSS.escape(field) + '"]') : null;
  const input = field ? editField(field) : null;
  if (!slot) slot = f.querySelector('p.err[data-field=""]');
  slot.textContent = msg;
  if (input && input.classList) {
    input.classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
}

/**
 * openEditor opens the form on an incident (a Feature; null for a new
 * one). opts.title names the form; opts.onSaved(id) runs after a save, in
 * place of opening the saved incident; opts.onCancel after Cancel.
 */
export function openEditor(feature, opts = {}) {
  const form = $('edit-form');
  form.reset();
  clearErrors();
  clear($('place-candidates'));
  $('place-candidates').hidden = true;
  const chosen = form.querySelector('.chosen-place');
  if (chosen) chosen.remove();
  const p = (feature && feature.properties) || {};
  const id = feature ? featureId(feature) : null;
  editing = { id, onSaved: opts.onSaved, onCancel: opts.onCancel };
  $('editor-h').textContent = opts.title || (id ? 'Edit incident #' + id : 'Add incident');
  for (const k of TEXT_FIELDS.concat(NUM_FIELDS)) if (p[k] !== undefined && p[k] !== null) editField(k).value = p[k];
  const ll = feature ? featureLatLng(feature) : null;
  if (ll) { editField('lat').value = ll.lat; editField('lon').value = ll.lng; }
  editField('sources').value = Array.isArray(p.sources) ? p.sources.join('\n') : (p.sources || '');
  editField('tags').value = Array.isArray(p.tags) ? p.tags.join(', ') : (p.tags || '');
  if (!id && !p.date) editField('date').value = new Date().toISOString().slice(0, 10);
  $('editor').hidden = false;
  showPanel(true);
  if (ll) setEditPin(ll, false);
  $('panel').scrollTop = $('editor').offsetTop - 8;
  editField('date').focus({ preventScroll: true });
}

export function isEditing() { return !!editing; }

function closeEditor(cancelled) {
  const e = editing;
  editing = null;
  $('editor').hidden = true;
  if (editPin) { app.map.removeLayer(editPin); editPin = null; }
  if (cancelled && e && e.onCancel) e.onCancel();
}

function setEditPin(ll, pan) {
  if (!editPin) {
    editPin = L.marker(ll, {
      draggable: true, title: 'New incident location (drag to adjust)', alt: 'New incident location',
      icon: L.divIcon({ className: 'place-pin', iconSize: [18, 18] }),
    }).addTo(app.map);
    editPin.on('dragend', () => {
      const p = editPin.getLatLng();
      editField('lat').value = p.lat.toFixed(5);
      editField('lon').value = L.Util.wrapNum(p.lng, [-180, 180], true).toFixed(5);
    });
  } else {
    editPin.setLatLng(ll);
  }
  if (pan) app.map.panTo(ll);
}

/** onMapClickEdit sets the edited incident's location where the map was clicked. */
export function onMapClickEdit(e) {
  if (!editing) return;
  editField('lat').value = e.latlng.lat.toFixed(5);
  editField('lon').value = L.Util.wrapNum(e.latlng.lng, [-180, 180], true).toFixed(5);
  setEditPin(e.latlng, false);
}

async function findPlace() {
  const q = editField('place').value.trim();
  const ul = $('place-candidates');
  clear(ul);
  clearErrors();
  if (!q) { showFieldError('place', 'Type a place name first.'); return; }
  try {
    const fs = await searchPlaces(q, editField('country').value.trim(), 6);
    if (!fs.length) { showFieldError('place', 'No place found for “' + q + '”. Click the map to set the location instead.'); return; }
    fs.forEach((f, i) => {
      const lab = placeLabel(f.properties || {});
      const b = el('button', { type: 'button' }, [lab.name, el('br'), el('span', { class: 'sub', text: lab.sub })]);
      b.addEventListener('click', () => choosePlace(f, b.parentNode));
      ul.appendChild(el('li', null, [b]));
      if (i === 0) choosePlace(f, ul.firstChild, true);
    });
    ul.hidden = false;
  } catch (e) {
    showFieldError('place', e.message);
  }
}

function choosePlace(f, li, first) {
  const p = f.properties || {};
  const ll = featureLatLng(f);
  editField('lat').value = ll.lat;
  editField('lon').value = ll.lng;
  if (p.country) editField('country').value = p.country;
  if (p.admin1) editField('admin1').value = p.admin1;
  for (const x of $('place-candidates').querySelectorAll('li')) x.classList.remove('chosen');
  if (li) li.classList.add('chosen');
  const form = $('edit-form');
  let box = form.querySelector('.chosen-place');
  if (!box) {
    box = el('p', { class: 'chosen-place', role: 'status' });
    $('place-candidates').after(box);
  }
  const lab = placeLabel(p);
  box.textContent = (first ? 'Best match: ' : 'Chosen: ') + lab.name + (lab.sub ? ' (' + lab.sub + ')' : '') +
    ' at ' + ll.lat.toFixed(4) + ', ' + ll.lng.toFixed(4) + '. Check it before saving.';
  setEditPin(ll, false);
  app.map.flyTo(ll, Math.max(app.map.getZoom(), placeZoom(p) - 2), { duration: 0.6 });
}

function formObject() {
  const o = {};
  for (const k of TEXT_FIELDS) {
    const v = editField(k).value.trim();
    if (v !== '') o[k] = k === 'country' ? v.toUpperCase() : v;
  }
  for (const k of NUM_FIELDS) {
    const v = editField(k).value.trim();
    if (v !== '') o[k] = Number(v);
  }
  const src = editField('sources').value.split('\n').map((s) => s.trim()).filter(Boolean);
  if (src.length) o.sources = src;
  const tags = editField('tags').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (tags.length) o.tags = tags;
  return o;
}

/** validateLocally returns [field, message] for what the server would refuse, or null. */
export function validateLocally(o) {
  if (!o.date) return ['date', 'A date is required.'];
  if (!o.event_type) return ['event_type', 'An event type is required.'];
  if (('lat' in o) !== ('lon' in o)) return ['lat' in o ? 'lon' : 'lat', 'Give both latitude and longitude, or neither.'];
  if (!('lat' in o) && !o.place) return ['place', 'Give a place name or click the map to set the location.'];
  if ('lat' in o && (Number.isNaN(o.lat) || o.lat < -90 || o.lat > 90)) return ['lat', 'Latitude must be between -90 and 90.'];
  if ('lon' in o && (Number.isNaN(o.lon) || o.lon < -180 || o.lon > 180)) return ['lon', 'Longitude must be between -180 and 180.'];
  const bad = ['fatalities', 'injuries'].find((k) => k in o && !(Number.isInteger(o[k]) && o[k] >= 0));
  if (bad) return [bad, 'Must be a whole number, 0 or more.'];
  return null;
}

/** dataChanged reloads what an incident change affects. */
export function dataChanged() {
  markTilesStale();
  loadStats();
  refresh();
}

async function saveIncident(e) {
  e.preventDefault();
  if (!editing) return;
  clearErrors();
  const o = formObject();
  const bad = validateLocally(o);
  if (bad) { showFieldError(bad[0], bad[1]); return; }
  const { id, onSaved } = editing;
  $('save-btn').disabled = true;
  try {
    const r = await api(id ? 'PUT' : 'POST', id ? '/api/incidents/' + encodeURIComponent(id) : '/api/incidents', { json: o });
    const b = r.body || {};
    let newId = b.id !== undefined ? String(b.id) : (b.properties && b.properties.id !== undefined ? String(b.properties.id) : id);
    if (!newId) newId = (r.res.headers.get('Location') || '').split('/').pop() || null;
    closeEditor(false);
    showStatus(id ? 'Incident #' + id + ' saved.' : 'Incident added' + (newId ? ' (#' + newId + ').' : '.'));
    if (onSaved) onSaved(newId);
    else if (newId) { app.filters.sel = newId; reopenSelection(); writeHash(); }
    dataChanged();
  } catch (err) {
    if (err.status === 401) {
      showFieldError('', 'Not authorised: enter a valid API token above.');
      $('token-row').hidden = false;
      $('token').focus();
    } else {
      showFieldError(err.field, err.message);
    }
  } finally {
    $('save-btn').disabled = false;
  }
}

export async function deleteIncident(id) {
  if (!window.confirm('Delete incident #' + id + '? This cannot be undone.')) return;
  try {
    await api('DELETE', '/api/incidents/' + encodeURIComponent(id));
    app.map.closePopup();
    showStatus('Incident #' + id + ' deleted.');
    dataChanged();
  } catch (err) {
    showStatus('Delete failed: ' + err.message, true);
    if (err.status === 401) { $('token-row').hidden = false; $('token').focus(); }
  }
}

export function initEditor() {
  $('add-btn').addEventListener('click', () => openEditor(null));
  $('cancel-btn').addEventListener('click', () => closeEditor(true));
  $('edit-form').addEventListener('submit', saveIncident);
  $('place-find').addEventListener('click', findPlace);
  editField('place').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); findPlace(); }
  });
  for (const k of ['lat', 'lon']) {
    editField(k).addEventListener('change', () => {
      const la = Number(editField('lat').value), lo = Number(editField('lon').value);
      if (editField('lat').value !== '' && editField('lon').value !== '' && Number.isFinite(la) && Number.isFinite(lo)) setEditPin(L.latLng(la, lo), true);
    });
  }
  const tok = $('token');
  try { tok.value = sessionStorage.getItem(TOKEN_KEY) || ''; } catch { /* ignore */ }
  tok.addEventListener('change', () => {
    try {
      if (tok.value.trim()) sessionStorage.setItem(TOKEN_KEY, tok.value.trim());
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch { /* ignore */ }
    if (app.map) dataChanged();
  });
}
