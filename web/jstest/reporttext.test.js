import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteIndex, utf8Length, wellFormed, reportSpans, segments, paragraphs, candidateIncident, candidateTitle, findDatesAndNumbers } from '../static/js/reporttext.js';

// byteOf finds the UTF-8 byte offset of sub in text, as the server reports it.
function byteOf(text, sub) {
  return utf8Length(text.slice(0, text.indexOf(sub)));
}

test('byteIndex maps UTF-8 offsets to UTF-16 indices', () => {
  // 1-, 2-, 3- and 4-byte characters (é, ‘, 𝔸 is outside the BMP).
  const text = 'Air strike é ‘Dayr az Zawr’ 𝔸 Tallbīsah.';
  const at = byteIndex(text);
  for (const sub of ['Air', 'é', '‘', 'Dayr', '’', '𝔸', 'Tallbīsah', '.']) {
    assert.equal(at(byteOf(text, sub)), text.indexOf(sub), sub);
  }
  assert.equal(at(0), 0);
  assert.equal(at(-5), 0);
  assert.equal(at(utf8Length(text)), text.length);
  assert.equal(at(1e9), text.length);
  // Inside a character's bytes: that character's start.
  const e = byteOf(text, 'é');
  assert.equal(at(e + 1), text.indexOf('é'));
  const a = byteOf(text, '𝔸');
  for (let k = 1; k < 4; k++) assert.equal(at(a + k), text.indexOf('𝔸'));
});

test('wellFormed replaces lone surrogates', () => {
  assert.equal(wellFormed('a\uD800b'), 'a\uFFFDb');
  assert.equal(wellFormed('𝔸'), '𝔸');
});

// A short report written for this test, with the answer /api/extract gives for it.
const report = 'date 2016-09-17\nWarplanes struck Tallbīsah, in Homs province, on Saturday, killing at least 12 civilians.\n\nMoscow said the truce held.';
function answer() {
  const span = (sub, extra) => ({ text: sub, start: byteOf(report, sub), end: byteOf(report, sub) + utf8Length(sub), ...extra });
  const sentence = 'Warplanes struck Tallbīsah, in Homs province, on Saturday, killing at least 12 civilians.';
  return {
    type: 'FeatureCollection',
    features: [{
      type: 'Feature', geometry: { type: 'Point', coordinates: [36.73092, 34.84072] },
      properties: {
        date: '2016-09-17', event_type: 'Explosions/Remote violence', sub_event_type: 'Air/drone strike', place: 'Tallbīsah',
        country: 'SY', fatalities: 12, actor2: 'Civilians (Syria)', confidence: 0.8, evidence: [span(sentence)],
      },
    }],
    places: [
      span('Tallbīsah', { role: 'event', match: { name: 'Tallbīsah' } }),
      span('Homs', { role: 'mentioned', match: { name: 'Homs' } }),
      span('Moscow', { role: 'actor', match: null }),
    ],
    spans: [span('struck', { kind: 'trigger' })],
  };
}

test('reportSpans converts every offset and fills in dates and numbers', () => {
  const { spans, evidence } = reportSpans(report, answer());
  const shown = (kind) => spans.filter((s) => s.kind === kind).map((s) => report.slice(s.start, s.end));
  assert.deepEqual(shown('place'), ['Tallbīsah', 'Homs', 'Moscow']);
  assert.deepEqual(spans.filter((s) => s.kind === 'place').map((s) => s.role), ['event', 'mentioned', 'actor']);
  assert.deepEqual(shown('trigger'), ['struck']);
  assert.ok(shown('date').includes('on Saturday'), 'dates: ' + shown('date'));
  assert.ok(shown('number').includes('at least 12'), 'numbers: ' + shown('number'));
  assert.equal(evidence.length, 1);
  assert.equal(report.slice(evidence[0].start, evidence[0].end), answer().features[0].properties.evidence[0].text);
});

test('reportSpans takes the server dates and numbers, and places only from places', () => {
  const a = answer();
  const span = (sub, extra) => ({ text: sub, start: byteOf(report, sub), end: byteOf(report, sub) + utf8Length(sub), ...extra });
  a.spans = [span('struck', { kind: 'trigger', event_type: 'Explosions/Remote violence', sub_event_type: 'Air/drone strike' }),
    span('Tallbīsah', { kind: 'place' }), span('Saturday', { kind: 'date' }), span('at least 12', { kind: 'number' })];
  const { spans } = reportSpans(report, a);
  const shown = (kind) => spans.filter((s) => s.kind === kind).map((s) => report.slice(s.start, s.end));
  assert.deepEqual(shown('place'), ['Tallbīsah', 'Homs', 'Moscow']);
  assert.deepEqual(shown('date'), ['Saturday']);
  assert.deepEqual(shown('number'), ['at least 12']);
  assert.deepEqual(spans.filter((s) => s.kind === 'trigger').map((s) => s.label), ['Air/drone strike']);
});

test('segments cover the text once, places first', () => {
  const text = 'at least 12 in Homs 12';
  const segs = segments(text, [
    { start: 0, end: 11, kind: 'number' }, { start: 9, end: 11, kind: 'number' },
    { start: 15, end: 19, kind: 'place' }, { start: 12, end: 19, kind: 'trigger' },
    { start: 20, end: 22, kind: 'number' }, { start: 30, end: 40, kind: 'number' },
  ]);
  assert.equal(segs.map((s) => s.text).join(''), text);
  assert.deepEqual(segs.filter((s) => s.span).map((s) => [s.text, s.span.kind]), [['at least 12', 'number'], ['Homs', 'place'], ['12', 'number']]);
});

test('segments are cut at the evidence bounds', () => {
  const text = 'one two three four';
  const segs = segments(text, [{ start: 4, end: 13, kind: 'trigger' }], [8, 14]);
  assert.deepEqual(segs.map((s) => [s.text, s.start, s.span ? s.span.kind : null]),
    [['one ', 0, null], ['two ', 4, 'trigger'], ['three', 8, 'trigger'], [' ', 13, null], ['four', 14, null]]);
});

test('paragraphs split at blank lines and keep each run\'s start', () => {
  const text = 'one\ntwo\n\nthree';
  const ps = paragraphs(segments(text, [{ start: 0, end: 3, kind: 'number' }]));
  assert.deepEqual(ps.map((p) => p.map((s) => s.text).join('')), ['one\ntwo', 'three']);
  for (const p of ps) for (const s of p) assert.equal(text.slice(s.start, s.start + s.text.length), s.text);
});

test('candidateIncident: incident fields, point, source and evidence in notes', () => {
  const o = candidateIncident(answer().features[0], 'AP');
  assert.equal(o.lat, 34.84072);
  assert.equal(o.lon, 36.73092);
  assert.equal(o.fatalities, 12);
  assert.deepEqual(o.sources, ['AP']);
  assert.equal(o.confidence, undefined);
  assert.equal(o.evidence, undefined);
  assert.match(o.notes, /^From a report \(AP\): “Warplanes struck Tallbīsah/);
  assert.equal(candidateTitle(answer().features[0]), 'Air/drone strike · Tallbīsah · 2016-09-17 · 12 fatalities');
});

test('findDatesAndNumbers', () => {
  const got = findDatesAndNumbers('On 17 September 2016, dozens died; on Monday 3 more.').map((s) => s.kind + ':' + s.start);
  assert.ok(got.includes('date:3'));
  assert.ok(got.some((g) => g.startsWith('number:')));
});
