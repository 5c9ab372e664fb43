// Numbers and names shared by every control: dB values as the API sends them, the fader law,
// how values are written, and the accessible name of a parameter path.

// The API writes a fader at its bottom as the string "-inf".
export function toNumber(value) {
  if (value === '-inf') return -Infinity;
  if (value === 'inf') return Infinity;
  return value;
}

export function toWire(value) {
  return value === -Infinity ? '-inf' : value;
}

// Ardour's fader law (gain_to_slider_position_with_max): even steps where the ear hears them,
// with the top of the range at `maxDb`.
export function dbToFader(db, maxDb) {
  if (db === -Infinity) return 0;
  const gain = Math.pow(10, db / 20) * 2 / Math.pow(10, maxDb / 20);
  if (gain <= 0) return 0;
  return Math.min(1, Math.max(0, Math.pow((6 * Math.log2(gain) + 192) / 198, 8)));
}

export function faderToDb(position, maxDb) {
  if (position <= 0) return -Infinity;
  const gain = Math.pow(2, (Math.pow(position, 1 / 8) * 198 - 192) / 6);
  const db = 20 * Math.log10(gain * Math.pow(10, maxDb / 20) / 2);
  return db < -90 ? -Infinity : Math.min(maxDb, db);
}

// A parameter's position 0…1 on its control, and back, by the taper the server names with the
// parameter (params/taper.hpp): the fader law for levels that go down to -inf, equal ratios
// for frequencies and times over a decade or more, linear in the unit otherwise (preamp gain,
// trim, pan).
export function toPosition(param, value) {
  const min = toNumber(param.min), max = toNumber(param.max);
  if (param.taper === 'fader') return dbToFader(value, max);
  if (param.taper === 'log') return value > 0 ? Math.log(value / min) / Math.log(max / min) : 0;
  return (value - min) / (max - min);
}

// A position from left to right (a pan, a balance): unitless, from -1. A Q, a ratio or a width
// is unitless too, but starts at 0 or above.
export function isPan(param) {
  return param.unit === '' && !isPluginControl(param.path) && !(toNumber(param.min) >= 0);
}

// A control of an LV2 plugin in a slot (/input/ID/insert/N/SYMBOL, the same under /output/,
// and an FX bus's /output/ID/reverb|echo/insert/N/SYMBOL), as opposed to the slot's own plugin
// and bypass: unitless, with the plugin's range, and never a pan.
export function isPluginControl(path) {
  return /^\/(input|output)\/[^/]+\/((reverb|echo)\/)?insert\/\d+\/[^/]+$/.test(path || '')
    && !/\/(plugin|bypass)$/.test(path);
}

// A plugin's integer or enumeration control: the tree's description says so.
const isWhole = (param) => / \(whole numbers\)/.test(param.description || '');

// Values a hand sets are kept to the resolution shown: 0.1 dB, 0.01 of a pan, a whole frame
// (a delay in frames is whole: the server refuses a fraction).
function perUnit(param, fine) {
  if (param.unit === 'frames' || isWhole(param)) return 1;
  return param.unit === '' ? (fine ? 100 : 10) : (fine ? 10 : 1);
}

export function fromPosition(param, position) {
  const min = toNumber(param.min), max = toNumber(param.max);
  const p = Math.min(1, Math.max(0, position));
  const v = param.taper === 'fader' ? faderToDb(p, max)
    : param.taper === 'log' ? min * Math.pow(max / min, p)
    : min + p * (max - min);
  const n = perUnit(param, true);
  return v === -Infinity ? v : clampTo(param, Math.round(v * n) / n);
}

export function clampTo(param, value) {
  const min = toNumber(param.min), max = toNumber(param.max);
  return Math.min(max, Math.max(min, value));
}

// One keyboard or wheel step from `value`, in dB (or the unit): 1, or 0.1 when fine. A
// frequency steps by a twelfth of an octave (a 48th when fine), as the ear hears it: 1 Hz at
// 2 kHz would take a thousand presses to move an octave.
export function stepFrom(param, value, steps, fine) {
  const min = toNumber(param.min);
  if (param.unit === 'Hz' && value > 0) {
    const next = value * Math.pow(2, steps / (fine ? 48 : 12));
    return clampTo(param, Math.round(next * 10) / 10);
  }
  if (value === -Infinity) return steps > 0 ? (min === -Infinity ? -60 : min) : -Infinity;
  const n = perUnit(param, fine);  // steps per unit: integers, so -3.1 stays -3.1
  const next = Math.round(value * n + steps) / n;
  if (min === -Infinity && next < -60 && steps < 0) return -Infinity;
  return clampTo(param, next);
}

export function formatValue(param, value) {
  if (param.type === 'bool') return value ? 'on' : 'off';
  if (param.type === 'choice') return String(value);
  if (value === -Infinity) return '-inf';
  if (isPan(param)) {
    if (Math.abs(value) < 0.005) return 'C';
    return (value < 0 ? 'L' : 'R') + Math.round(Math.abs(value) * 100);
  }
  if (isWhole(param)) return String(Math.round(value));
  if (param.unit === '') return value.toFixed(param.decimals ?? 2);  // a Q, a ratio, a width
  if (param.unit === 'frames') return String(Math.round(value));
  return value.toFixed(1);
}

const monitorNames = {
  volume: 'Monitor volume',
  dim_level: 'Dim level',
  talkback_source: 'Talkback source',
  talkback_level: 'Talkback level',
  direct: 'Direct monitoring',
};

// "/mix/hp1/in3/gain" → "hp1 in3 gain"; "/monitor/dim" → "Dim": the name a screen reader
// says and a test looks for.
export function labelFor(path) {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'monitor') {
    const leaf = parts[1];
    return monitorNames[leaf] || leaf.charAt(0).toUpperCase() + leaf.slice(1).replace(/_/g, ' ');
  }
  if (parts[0] === 'loopback') return 'Loopback source';
  if (parts[0] === 'clock') return 'Clock source';
  return parts.slice(1).join(' ');
}

// Meter scale: dBFS to 0…1 of the meter's height, linear in dB over the bottom 60 dB.
export const kMeterFloorDb = -60;
export function meterPosition(db) {
  return Math.min(1, Math.max(0, (db - kMeterFloorDb) / -kMeterFloorDb));
}
