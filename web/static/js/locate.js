/** locate: the search box that finds a place in the gazetteer and flies there. */
import { $, el, clear, fmtInt, featureLatLng, showStatus } from './util.js';
import { api } from './api.js';
import { app } from './context.js';
import { setPlacePin } from './map.js';

export function placeZoom(p) {
  const fc = String(p.feature_code || '');
  if (/^PCL/.test(fc)) return 5;
  if (fc === 'ADM1') return 7;
  // Without a tile server the offline base map stops at town level.
  const cap = app.config.tiles_url ? 18 : 11;
  if (/^ADM/.test(fc)) return Math.min(cap, 9);
  if (Number(p.population) > 1000000) return Math.min(cap, 10);
  return Math.min(cap, 11);
}

export function placeLabel(p) {
  const sub = [p.admin1, p.country].filter(Boolean).join(', ');
  const extra = [p.feature_code, p.population ? 'pop. ' + fmtInt(p.population) : ''].filter(Boolean).join(' · ');
  return { name: p.name || '?', sub: [sub, extra].filter(Boolean).join(' — ') };
}

export async function searchPlaces(q, country, limit) {
  const p = new URLSearchParams({ q, limit: String(limit || 8) });
  if (country) p.set('country', country);
  const r = await api('GET', '/api/gazetteer/search?' + p.toString());
  return ((r.body && r.body.features) || []).filter((f) => featureLatLng(f));
}

function flyToPlace(f) {
  const p = f.properties || {};
  const ll = featureLatLng(f);
  const lab = placeLabel(p);
  setPlacePin(L.circleMarker(ll, { radius: 7, color: '#111', weight: 3, fillColor: '#ffd54f', fillOpacity: 1, interactive: false })
    .bindTooltip(el('span', null, [el('b', { text: lab.name }), lab.sub ? ' · ' + lab.sub : '']), { permanent: true, direction: 'top', offset: [0, -8] }));
  app.map.flyTo(ll, placeZoom(p), { duration: 0.9 });
}

export function initLocate() {
  const form = $('locate'), input = $('locate-q'), out = $('locate-results');
  const close = () => { out.hidden = true; input.setAttribute('aria-expanded', 'false'); };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    try {
      const fs = await searchPlaces(q, '', 8);
      clear(out);
      if (!fs.length) out.appendChild(el('li', { class: 'hint', text: 'No place found for “' + q + '”.' }));
      for (const f of fs) {
        const lab = placeLabel(f.properties || {});
        const b = el('button', { type: 'button' }, [lab.name, el('br'), el('span', { class: 'sub', text: lab.sub })]);
        b.addEventListener('click', () => { flyToPlace(f); close(); input.focus(); });
        out.appendChild(el('li', null, [b]));
      }
      out.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      if (fs.length) flyToPlace(fs[0]);
    } catch (err) {
      showStatus('Place search failed: ' + err.message, true);
    }
  });
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { close(); input.focus(); }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !out.hidden) {
      const btns = Array.from(out.querySelectorAll('button'));
      const i = btns.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && btns.length) { btns[Math.min(btns.length - 1, i + 1)].focus(); e.preventDefault(); }
      if (e.key === 'ArrowUp') {
        if (i > 0) { btns[i - 1].focus(); e.preventDefault(); } else if (i === 0) { input.focus(); e.preventDefault(); }
      }
    }
  });
  document.addEventListener('click', (e) => { if (!form.contains(e.target)) close(); });
}
