/** popup: the incident popup, built from a GeoJSON Feature as text only. */
import { el, fmtInt, isHttpURL, featureId, featureLatLng } from './util.js';
import { typeOf } from './types.js';
import { app } from './context.js';
import { openEditor, deleteIncident } from './editor.js';

export const POPUP_OPTIONS = { maxWidth: 340, minWidth: 220, autoPanPadding: [30, 30] };

function dlRow(dl, label, value) {
  if (value === undefined || value === null || value === '') return;
  dl.appendChild(el('dt', { text: label }));
  dl.appendChild(el('dd', null, [typeof value === 'object' ? value : String(value)]));
}

export function buildPopup(f) {
  const p = f.properties || {};
  const t = typeOf(p.event_type);
  const id = featureId(f);
  const root = el('div', { class: 'inc-popup' });
  root.appendChild(el('h3', null, [el('span', { class: 'swatch t-' + t.key, 'aria-hidden': 'true' }), p.event_type || 'Incident']));
  let date = p.date || '';
  if (p.date_precision && p.date_precision !== 'day') date += ' (' + p.date_precision + ')';
  root.appendChild(el('p', { class: 'meta' }, [date, p.sub_event_type ? ' · ' + p.sub_event_type : '']));

  const dl = el('dl');
  const actors = [p.actor1, p.actor2].filter(Boolean);
  dlRow(dl, actors.length > 1 ? 'Actors' : 'Actor', actors.join(' vs. '));
  if (p.fatalities !== undefined && p.fatalities !== null) dlRow(dl, 'Fatalities', fmtInt(p.fatalities));
  if (p.injuries !== undefined && p.injuries !== null) dlRow(dl, 'Injuries', fmtInt(p.injuries));
  dlRow(dl, 'Place', p.place);
  let resolved = [p.admin1, p.country].filter(Boolean).join(', ');
  if (p.geo_precision) resolved += (resolved ? ' · ' : '') + 'precision ' + p.geo_precision;
  dlRow(dl, 'Resolved', resolved);
  const ll = featureLatLng(f);
  if (ll) dlRow(dl, 'Coordinates', ll.lat.toFixed(4) + ', ' + ll.lng.toFixed(4));
  if (Array.isArray(p.tags) && p.tags.length) dlRow(dl, 'Tags', p.tags.join(', '));
  root.appendChild(dl);

  if (p.notes) root.appendChild(el('p', { class: 'notes', text: p.notes }));

  const sources = Array.isArray(p.sources) ? p.sources : (p.sources ? [p.sources] : []);
  if (sources.length) {
    const ul = el('ul', { class: 'sources', 'aria-label': 'Sources' });
    for (const s of sources) {
      const li = el('li');
      if (isHttpURL(s)) {
        const a = el('a', { href: new URL(String(s)).href, target: '_blank', rel: 'noopener noreferrer nofollow' });
        a.textContent = String(s);
        li.appendChild(a);
      } else {
        li.textContent = String(s);
      }
      ul.appendChild(li);
    }
    root.appendChild(el('p', { class: 'meta', text: 'Sources' }));
    root.appendChild(ul);
  }
  if (id !== null) root.appendChild(el('p', { class: 'meta', text: '#' + id + (p.source_id ? ' · ' + p.source_id : '') }));

  if (app.config.writable && id !== null) {
    const edit = el('button', { type: 'button', text: 'Edit' });
    const del = el('button', { type: 'button', class: 'danger', text: 'Delete' });
    edit.addEventListener('click', () => { app.map.closePopup(); openEditor(f); });
    del.addEventListener('click', () => deleteIncident(id));
    root.appendChild(el('div', { class: 'actions' }, [edit, del]));
  }
  return root;
}
