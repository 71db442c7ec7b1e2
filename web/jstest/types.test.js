import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTypes, setTypes, typeOf, typeKey, typeCSS, contrast } from '../static/js/types.js';

test('typeKey', () => {
  assert.equal(typeKey('Battles'), 'battles');
  assert.equal(typeKey('Explosions/Remote violence'), 'explosions-remote-violence');
  assert.equal(typeKey('  '), 'type');
});

test('buildTypes: configured types with colours, then Other for the rest', () => {
  const list = buildTypes(['Battles', 'Riots', 'Battles'], { Battles: '#D55E00' }, ['Looting', 'battles']);
  assert.deepEqual(list.map((t) => [t.key, t.names]), [['battles', ['Battles']], ['other', ['Riots', 'Looting']]]);
  setTypes(list);
  assert.equal(typeOf('BATTLES').key, 'battles');
  assert.equal(typeOf('Looting').key, 'other');
  assert.equal(typeOf(undefined).key, 'other');
  assert.match(typeCSS(list), /\.t-battles \{ --c: #D55E00; \}/);
});

test('contrast', () => {
  assert.equal(Math.round(contrast('#000000', '#ffffff')), 21);
  assert.equal(contrast('#777777', '#777777'), 1);
});
