/**
 * reporttext: the text side of the "From a report" panel, pure and tested
 * with `node --test`: byte offsets (UTF-8, as mapd's /api/extract gives
 * them) to string indices (UTF-16, as JavaScript counts), the highlighted
 * segments of a text, and the incident a candidate becomes.
 */

/**
 * wellFormed replaces lone surrogates with U+FFFD, as the server does with
 * invalid UTF-8, so that both sides count the same characters.
 */
export function wellFormed(s) {
  s = String(s);
  if (typeof s.toWellFormed === 'function') return s.toWellFormed();
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * byteIndex returns a function from a UTF-8 byte offset into text to the
 * UTF-16 index of the same place: an offset inside a character's bytes
 * gives that character's start, one past the end the text's length.
 */
export function byteIndex(text) {
  // starts[k] is the byte offset of the k-th code point; units[k] its UTF-16 index.
  const starts = [], units = [];
  let b = 0;
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i);
    starts.push(b);
    units.push(i);
    b += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  const total = b;
  return (off) => {
    if (!(off > 0)) return 0;
    if (off >= total) return text.length;
    // The last code point starting at or before off.
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= off) lo = mid; else hi = mid - 1;
    }
    return units[lo];
  };
}

/** utf8Length is the number of bytes of text in UTF-8. */
export function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec';
const DATE_RE = new RegExp('\\b(?:\\d{4}-\\d{2}-\\d{2}|\\d{1,2} (?:' + MONTHS + ')\\.?(?: \\d{4})?|(?:' + MONTHS + ')\\.? \\d{1,2}(?:, \\d{4})?|' +
  '(?:on |last |this )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|yesterday|last week|earlier this month)\\b', 'gi');
const NUMBER_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|a dozen|dozens|scores|hundreds|thousands';
const NUMBER_RE = new RegExp('\\b(?:(?:at least|more than|nearly|about|some|over) )?(?:\\d[\\d,.]*|' + NUMBER_WORDS + ')\\b', 'gi');

/**
 * findDatesAndNumbers returns spans {start, end, kind} (UTF-16 indices)
 * of dates and counts in text, for highlighting when the server sends no
 * spans of its own for them.
 */
export function findDatesAndNumbers(text) {
  const out = [];
  for (const [re, kind] of [[DATE_RE, 'date'], [NUMBER_RE, 'number']]) {
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === '') { re.lastIndex++; continue; }
      out.push({ start: m.index, end: m.index + m[0].length, kind });
    }
  }
  return out;
}

/**
 * reportSpans gathers the spans to highlight in the text sent (all as
 * UTF-16 indices): the places of the answer (kind "place", with their
 * role), its other spans when it has them (dates, numbers, triggers, the
 * latter labelled with their candidate's event type) and,
 * for the kinds it lacks, dates and numbers found here; and the evidence
 * of each candidate (kind "evidence", with the candidate's index).
 */
export function reportSpans(text, answer) {
  const at = byteIndex(text);
  const spans = [];
  const conv = (s, extra) => {
    const start = at(Number(s.start)), end = at(Number(s.end));
    if (end > start) spans.push({ start, end, ...extra });
  };
  for (const p of (answer && answer.places) || []) conv(p, { kind: 'place', role: p.role || 'mentioned', matched: !!p.match, label: p.text });
  const own = new Set();
  for (const s of (answer && answer.spans) || []) {
    // Places come from answer.places, which carries their roles.
    if (!s || !s.kind || s.kind === 'place') continue;
    own.add(s.kind);
    conv(s, s.kind === 'trigger' ? { kind: 'trigger', label: s.sub_event_type || s.event_type || '' } : { kind: String(s.kind) });
  }
  for (const s of findDatesAndNumbers(text)) if (!own.has(s.kind)) spans.push(s);
  const evidence = [];
  ((answer && answer.features) || []).forEach((f, i) => {
    for (const e of (f.properties && f.properties.evidence) || []) {
      const start = at(Number(e.start)), end = at(Number(e.end));
      if (end > start) evidence.push({ start, end, kind: 'evidence', candidate: i });
    }
  });
  return { spans, evidence };
}

const KIND_ORDER = { place: 0, trigger: 1, date: 2, number: 3 };

/**
 * segments cuts text into runs for display: [{text, start, span}] where
 * start is the run's index in text and span the highlight covering it, or
 * null. Overlapping highlights: places win over triggers, dates and
 * numbers; then the earlier, then the longer. Runs are also cut at every
 * index of cuts (the ends of evidence sentences), so that a sentence is a
 * whole number of runs.
 */
export function segments(text, spans, cuts = []) {
  const sorted = spans.filter((s) => s.end > s.start && s.start >= 0 && s.end <= text.length)
    .sort((a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.start - b.start || b.end - a.end);
  const taken = [];
  for (const s of sorted) if (!taken.some((t) => s.start < t.end && t.start < s.end)) taken.push(s);
  taken.sort((a, b) => a.start - b.start);
  const points = [...new Set(cuts.filter((c) => c > 0 && c < text.length))].sort((a, b) => a - b);
  const out = [];
  const push = (from, to, span) => {
    let i = from;
    for (const c of points) {
      if (c <= i || c >= to) continue;
      out.push({ text: text.slice(i, c), start: i, span });
      i = c;
    }
    if (to > i) out.push({ text: text.slice(i, to), start: i, span });
  };
  let i = 0;
  for (const s of taken) {
    if (s.start > i) push(i, s.start, null);
    push(s.start, s.end, s);
    i = s.end;
  }
  if (i < text.length) push(i, text.length, null);
  return out;
}

/**
 * paragraphs splits runs at blank lines into paragraphs (arrays of runs),
 * keeping single newlines inside a paragraph and each run's start.
 */
export function paragraphs(segs) {
  const out = [];
  let cur = [];
  for (const s of segs) {
    if (s.span) { cur.push(s); continue; }
    const re = /\n[ \t]*\n+/g;
    let i = 0, m;
    while ((m = re.exec(s.text)) !== null) {
      if (m.index > i) cur.push({ text: s.text.slice(i, m.index), start: s.start + i, span: null });
      out.push(cur);
      cur = [];
      i = m.index + m[0].length;
    }
    if (i < s.text.length) cur.push({ text: s.text.slice(i), start: s.start + i, span: null });
  }
  out.push(cur);
  return out.filter((p) => p.length);
}

const INCIDENT_FIELDS = ['source_id', 'date', 'date_precision', 'event_type', 'sub_event_type', 'actor1', 'actor2', 'fatalities', 'injuries',
  'place', 'country', 'admin1', 'lat', 'lon', 'geo_precision', 'geonameid', 'notes', 'sources', 'tags'];

/**
 * candidateIncident turns a candidate Feature of /api/extract into the
 * incident to POST: its incident fields, the point of its geometry, the
 * source among its sources, and the evidence sentences in its notes.
 */
export function candidateIncident(f, source) {
  const p = (f && f.properties) || {};
  const o = {};
  for (const k of INCIDENT_FIELDS) if (p[k] !== undefined && p[k] !== null && p[k] !== '') o[k] = p[k];
  const c = f && f.geometry && f.geometry.type === 'Point' && f.geometry.coordinates;
  if (Array.isArray(c) && c.length >= 2) { o.lon = c[0]; o.lat = c[1]; }
  const sources = Array.isArray(o.sources) ? o.sources.slice() : [];
  if (source && !sources.includes(source)) sources.push(source);
  if (sources.length) o.sources = sources;
  const ev = (p.evidence || []).map((e) => String(e.text || '').trim()).filter(Boolean);
  const unique = [...new Set(ev)];
  const said = unique.map((t) => '“' + t + '”').join(' ');
  const from = 'From a report' + (source ? ' (' + source + ')' : '') + (said ? ': ' + said : '.');
  o.notes = o.notes ? o.notes + '\n' + from : from;
  return o;
}

/** candidateTitle is a one-line summary of a candidate. */
export function candidateTitle(f) {
  const p = (f && f.properties) || {};
  const parts = [p.sub_event_type || p.event_type || 'Incident', p.place || p.admin1 || p.country || 'unknown place', p.date || 'no date'];
  if (p.fatalities) parts.push(p.fatalities + (p.fatalities === 1 ? ' fatality' : ' fatalities'));
  return parts.join(' · ');
}
