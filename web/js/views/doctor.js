// Doctor: the studio doctor's findings (GET /api/doctor), most severe first, one row each:
// what is wrong, where, how to fix it. Refreshed every second; a strip anywhere in the panel
// with a finding carries a badge (doctorBadges, main.js).
import { getJson } from '../api.js';
import { el } from '../controls.js';

const SEVERITY_TEXT = { critical: 'Critical', warning: 'Warning', info: 'Info' };

export function doctorView(ctx, root) {
  const table = el('table', { class: 'doctor', 'aria-label': 'Findings' });
  const show = ({ findings }) => {
    const head = el('tr', {}, el('th', { text: 'Severity' }), el('th', { text: 'Where' }),
      el('th', { text: 'What is wrong' }), el('th', { text: 'How to fix it' }));
    const rows = findings.map((f) => el('tr', { 'data-severity': f.severity, 'data-rule': f.rule },
      el('td', { class: `severity ${f.severity}`, text: SEVERITY_TEXT[f.severity] || f.severity }),
      el('td', { text: f.where }), el('td', { text: f.what }), el('td', { text: f.fix })));
    if (!rows.length)
      rows.push(el('tr', {}, el('td', { colspan: '4', class: 'empty',
        text: 'Nothing wrong that the doctor can see.' })));
    table.replaceChildren(head, ...rows);
  };
  const refresh = () => getJson('/api/doctor').then(show).catch((e) => ctx.message(e.message, 'error'));
  root.append(table);
  const timer = setInterval(refresh, 1000);
  refresh();
  ctx.onCleanup(() => clearInterval(timer));
}

// A badge on every strip (data-channel) a finding names: "in5+in6" marks both; the most
// severe finding wins, its text in the tooltip.
export function doctorBadges(findings) {
  const worst = new Map();
  for (const f of findings)
    for (const id of f.where.split('+'))
      if (!worst.has(id)) worst.set(id, f);  // findings come most severe first
  for (const strip of document.querySelectorAll('[data-channel]')) {
    const f = worst.get(strip.dataset.channel);
    let badge = strip.querySelector(':scope > .doctor-badge');
    if (!f) {
      delete strip.dataset.doctor;
      badge?.remove();
      continue;
    }
    strip.dataset.doctor = f.severity;
    if (!badge) {
      badge = el('a', { class: 'doctor-badge', href: '#doctor', text: '⚠' });
      strip.prepend(badge);
    }
    badge.title = `${f.what} — ${f.fix}`;
    badge.setAttribute('aria-label', `Doctor: ${f.what}`);
  }
}
