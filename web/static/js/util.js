/**
 * util: small DOM helpers. Every value that comes from the API is put into
 * the page as text (textContent / text nodes), never parsed as HTML.
 */

export function $(id) { return document.getElementById(id); }

/** el builds an element; children are nodes or strings (added as text). */
export function el(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children || []) {
    if (c === null || c === undefined || c === '') continue;
    e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return e;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

export function fmtInt(n) { return Number(n || 0).toLocaleString('en-US'); }

export function isHttpURL(s) {
  try {
    const u = new URL(String(s));
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function debounce(fn, ms) {
  let t;
  return function (...args) {
    clearTimeout(t);
    t = setTimeout(() => fn.apply(this, args), ms);
  };
}

export function featureId(f) {
  if (f.id !== undefined && f.id !== null) return String(f.id);
  if (f.properties && f.properties.id !== undefined) return String(f.properties.id);
  return null;
}

export function featureLatLng(f) {
  if (f.geometry && f.geometry.type === 'Point' && Array.isArray(f.geometry.coordinates)) {
    return L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
  }
  const p = f.properties || {};
  if (typeof p.lat === 'number' && typeof p.lon === 'number') return L.latLng(p.lat, p.lon);
  return null;
}

let statusTimer;
/** showStatus shows a short message over the map (none: hides it). */
export function showStatus(msg, isError, sticky) {
  const s = $('status');
  clearTimeout(statusTimer);
  if (!msg) { s.hidden = true; return; }
  s.textContent = msg;
  s.classList.toggle('error', !!isError);
  s.hidden = false;
  if (!sticky) statusTimer = setTimeout(() => { s.hidden = true; }, isError ? 6000 : 2500);
}

export function isPhone() { return window.matchMedia('(max-width: 720px)').matches; }
