// Status: what the engine reports, refreshed while the view is open.
import { getJson } from '../api.js';
import { el } from '../controls.js';
import { recordingsSection } from './recordings.js';

export function statusView(ctx, root) {
  const facts = el('dl', { class: 'facts', 'aria-label': 'Status' });
  const events = el('ul', { class: 'events', 'aria-label': 'Events' });
  root.append(facts, el('h2', { text: 'Events' }), events);
  recordingsSection(ctx, root);  // gone on JACK (the API answers "not available")
  const show = (s) => {
    facts.replaceChildren();
    const fact = (term, value) => facts.append(el('dt', { text: term }), el('dd', { text: value }));
    fact('Backend', `${s.backend} (${s.state})${s.message ? ': ' + s.message : ''}`);
    fact('Sample rate', `${s.rate_hz} Hz`);
    // The clock's lock (locked / no signal / wrong rate): without it the digital inputs are muted.
    if (s.clock) fact('Clock', s.clock.message);
    fact('Buffer', `${s.frames} frames`);
    fact('Latency', `${s.latency_frames} frames, ${s.latency_ms} ms`);
    // Per path (latency in the API): what an input travels to each output, with what the
    // output's own processing adds (the headphone limiter's lookahead); the in and out halves.
    if (s.latency) {
      const l = s.latency;
      fact('Capture / playback', `${l.capture_ms} ms in + ${l.playback_ms} ms out ` +
        `(${l.capture_frames} + ${l.playback_frames} frames)`);
      const ownIn = Object.entries(l.inputs || {}).filter(([, v]) => v.frames > 0);
      if (ownIn.length) fact('Input processing', ownIn.map(([id, v]) => `${id} +${v.ms} ms`).join(', '));
      const outs = Object.entries(l.outputs || {}).map(([id, v]) =>
        `${id} ${v.round_trip_ms} ms${v.frames > 0 ? ` (+${v.ms} ms its own)` : ''}`);
      fact('Round trip', outs.join(', '));
    }
    fact('DSP load', `${s.dsp_load_percent} %`);
    fact('Xruns', String(s.xruns));
    fact('Recording overruns', String(s.record_overruns));
    fact('Clips', s.clips.length ? s.clips.join(', ') : 'none');
    fact('48 V held off by a recall', s.held_phantom.length ? s.held_phantom.join(', ') : 'none');
    fact('Up', `${Math.round(s.uptime_s)} s`);
    if (s.save_error) fact('Saving FAILED', `${s.save_error} (changes are kept in memory)`);
    if (s.state_notice) fact('State file', s.state_notice);
    // A kept connection whose port is absent (a netjack2 slave gone): said, not only silent.
    for (const w of s.connections_waiting || []) fact('Connections', w);
    // Control surfaces (OSC, MIDI): where they listen and what they dropped, so a tablet or a
    // controller that "does nothing" can be diagnosed here.
    for (const f of s.surfaces || []) {
      const counts = `${f.received} taken, ${f.malformed} malformed, ${f.not_allowed} not allowed, ` +
        `${f.refused} refused, ${f.subscribers} subscribed`;
      fact(f.name.toUpperCase(), `${f.address}: ${counts}${f.notice ? '; ' + f.notice : ''}`);
    }
    events.replaceChildren(...(s.events.length ? s.events : ['none']).map(
      (e) => el('li', { text: e })));
  };
  const poll = () => getJson('/api/status').then(show).catch((e) => ctx.message(e.message, 'error'));
  poll();
  const timer = setInterval(poll, 1000);
  ctx.onCleanup(() => clearInterval(timer));
}
