// The dashboard's stylesheet and script, compiled in and served from the status worker's
// own mount (cmd=dashboard&asset=...): no CDN, no other origin, nothing to install. Hand
// written (about 150 lines of script): SVG polylines are all the charts need, so no chart
// library is vendored.
#include <optional>
#include <string_view>

#include "status/render_formats.hpp"

namespace ajpgate::status::detail {

namespace {

constexpr std::string_view kCss = R"CSS(
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,sans-serif;background:#f4f5f7;color:#1d2430}
header{display:flex;flex-wrap:wrap;gap:.6em;align-items:baseline;padding:.6em 1em;background:#1d2430;color:#fff}
header h1{margin:0;font-size:1.2em}
header a{color:#9cc3ff;margin-left:auto}
.live{font-size:.85em;padding:.1em .5em;border-radius:1em;background:#55606f}
.live.on{background:#2e8540}
main{padding:.5em 1em}
h2{margin:.6em 0 .2em;font-size:1.1em}
.summary{margin:0 0 .5em;color:#444}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.8em}
.worker{background:#fff;border-radius:6px;padding:.6em .8em;border-left:6px solid #2e8540;box-shadow:0 1px 2px #0002}
.worker.warn{border-left-color:#d99000}
.worker.bad{border-left-color:#c62828;background:#fff5f5}
.worker.disabled{border-style:dashed}
.worker.stopped{opacity:.6}
.worker h3{margin:0 0 .3em;font-size:1.05em}
.badge{font-size:.75em;padding:.1em .45em;border-radius:.3em;background:#e3e6ea;vertical-align:middle}
.good .badge.state{background:#2e8540;color:#fff}
.warn .badge.state{background:#d99000;color:#fff}
.bad .badge.state{background:#c62828;color:#fff}
.facts{margin:.2em 0;font-size:.9em;color:#333}
.chart{margin:.3em 0}
.chart figcaption{font-size:.8em;color:#555}
.chart svg{display:block;width:100%;height:36px;background:#f8f9fb;border-radius:3px}
polyline{fill:none;stroke-width:1.5;vector-effect:non-scaling-stroke}
.line0{stroke:#1565c0}
.line1{stroke:#c62828}
.panel{margin-top:.4em;display:flex;gap:.4em;flex-wrap:wrap}
.worker.active form.activate,.worker:not(.active) form.drain{display:none}
.drain-progress{margin:.3em 0 0;font-size:.85em;color:#8a4b00}
.drain-progress:empty{display:none}
button{font:inherit;padding:.2em .8em;border-radius:4px;border:1px solid #888;background:#fff;cursor:pointer}
footer{padding:1em;color:#666;font-size:.8em}
.actions ol{margin:.2em 0;padding-left:1.4em;font-size:.9em}
.actions time{color:#555;margin-right:.4em}
.error{color:#c62828}
@media (max-width:480px){.cards{grid-template-columns:1fr}header a{margin-left:0}}
)CSS";

constexpr std::string_view kJs = R"JS('use strict';
(function () {
  const body = document.body;
  const jsonUrl = body.dataset.json, historyUrl = body.dataset.history;
  const WINDOW = 1800;       // seconds shown at most; less while there is less data
  const series = new Map();  // worker -> chart -> [line0 points, line1 points] of [t, v]
  let last = null;           // the previous poll: worker -> totals, and its time
  let lastT = 0;

  function chartsOf(worker) {
    if (!series.has(worker)) {
      const charts = {};
      for (const id of ['requests', 'errors', 'latency', 'busy', 'sessions']) charts[id] = [[], []];
      series.set(worker, charts);
    }
    return series.get(worker);
  }
  function add(worker, chart, t, a, b) {
    const lines = chartsOf(worker)[chart];
    lines[0].push([t, a]);
    if (b !== undefined) lines[1].push([t, b]);
  }
  function quantile(counts, bounds, q) {
    const total = counts.reduce((s, c) => s + c, 0);
    if (!total) return 0;
    const rank = q * total;
    let below = 0;
    for (let i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && below + counts[i] >= rank) {
        if (i >= bounds.length) return bounds[bounds.length - 1];
        const low = i ? bounds[i - 1] : 0;
        return low + (bounds[i] - low) * (rank - below) / counts[i];
      }
      below += counts[i];
    }
    return bounds[bounds.length - 1];
  }
  function span(now) {
    let oldest = now;
    for (const charts of series.values()) for (const p of charts.requests[0]) oldest = Math.min(oldest, p[0]);
    return Math.min(WINDOW, Math.max(60, now - oldest));
  }
  function draw() {
    const now = Date.now() / 1000;
    const shown = span(now);
    for (const card of document.querySelectorAll('.worker')) {
      const charts = series.get(card.dataset.worker);
      if (!charts) continue;
      for (const fig of card.querySelectorAll('figure.chart')) {
        const lines = charts[fig.dataset.chart];
        let top = 1;
        for (const line of lines) for (const p of line) if (p[0] > now - shown) top = Math.max(top, p[1]);
        fig.querySelectorAll('polyline').forEach(function (poly, i) {
          const pts = (lines[i] || []).filter(p => p[0] > now - shown);
          poly.setAttribute('points', pts.map(p =>
            (160 - (now - p[0]) / shown * 160).toFixed(1) + ',' + (35 - p[1] / top * 34).toFixed(1)).join(' '));
        });
        const first = lines[0];
        if (first.length) fig.querySelector('.now').textContent = first[first.length - 1][1].toFixed(1);
      }
    }
  }
  function drainText(d) {
    let text = d.mode + ': ' + d.phase + (d.drained ? ' after ' + d.drained_after_seconds : ' for ' + d.elapsed_seconds) +
      ' s; in flight ' + d.in_flight + '; ' + d.route_requests_recent + ' requests with its route in the last ' +
      d.route_window_seconds + ' s';
    if (d.seconds_since_last_route_request !== null) text += ', the last ' + d.seconds_since_last_route_request + ' s ago';
    return text + '; idle ' + d.idle_seconds + ' of ' + d.drain_idle_seconds + ' s; ' + d.rebinds + ' sessions re-bound';
  }
  function totalsOf(w) {
    const m = w.metrics;
    const errors = Object.values(m.errors).reduce((s, e) => s + e, 0);
    return {requests: m.requests, errors: errors, counts: m.latency.headers.counts,
            bounds: m.latency_bounds_seconds, sticky: m.sticky_hits || 0, failovers: m.failovers || 0};
  }
  function update(doc) {
    const t = Date.now() / 1000;
    const now = new Map();
    const lbs = (doc.balancers && doc.balancers.balancer) || [];
    const workers = [];
    for (const lb of lbs) for (const m of lb.member || []) workers.push(m);
    for (const a of (doc.ajp_workers && doc.ajp_workers.ajp) || []) workers.push(a);
    for (const w of workers) {
      const card = document.querySelector('.worker[data-worker="' + CSS.escape(w.name) + '"]');
      if (!card) continue;
      const state = String(w.state || card.querySelector('.badge.state').textContent);
      const colour = state.startsWith('OK') ? 'good' : state === 'ERR' ? 'bad' : 'warn';
      card.classList.remove('good', 'warn', 'bad', 'active', 'disabled', 'stopped');
      card.classList.add(colour);
      const act = w.activation || 'ACT';
      card.classList.add(act === 'DIS' ? 'disabled' : act === 'STP' ? 'stopped' : 'active');
      card.querySelector('.badge.state').textContent = state;
      const badge = card.querySelector('.badge.activation');
      if (badge) badge.textContent = act;
      card.querySelector('.busy').textContent = w.busy;
      card.querySelector('.conn').textContent = w.connected;
      card.querySelector('.requests').textContent = w.metrics.requests;
      const progress = card.querySelector('.drain-progress');
      if (progress) progress.textContent = w.drain ? drainText(w.drain) : '';
      const totals = totalsOf(w);
      now.set(w.name, totals);
      const before = last && last.get(w.name);
      if (before && t > lastT) {
        const dt = t - lastT;
        const delta = totals.counts.map((c, i) => Math.max(0, c - (before.counts[i] || 0)));
        add(w.name, 'requests', t, Math.max(0, totals.requests - before.requests) / dt);
        add(w.name, 'errors', t, Math.max(0, totals.errors - before.errors) / dt);
        add(w.name, 'latency', t, quantile(delta, totals.bounds, 0.5) * 1000, quantile(delta, totals.bounds, 0.99) * 1000);
        add(w.name, 'sessions', t, (totals.sticky - before.sticky) / dt, (totals.failovers - before.failovers) / dt);
      }
      add(w.name, 'busy', t, w.busy, w.connected);
    }
    last = now;
    lastT = t;
    draw();
    const list = document.getElementById('actions');
    if (list && doc.admin_actions) {
      list.replaceChildren(...doc.admin_actions.map(function (a) {
        const li = document.createElement('li');
        const time = document.createElement('time');
        time.textContent = new Date(a.at * 1000).toLocaleString();
        li.append(time, ' ' + a.text);
        return li;
      }));
    }
  }
  function poll() {
    fetch(jsonUrl, {cache: 'no-store', credentials: 'same-origin'})
      .then(r => { if (!r.ok) throw new Error('status ' + r.status); return r.json(); })
      .then(doc => { update(doc); const live = document.getElementById('live');
                     live.textContent = 'live ' + new Date().toLocaleTimeString(); live.classList.add('on'); })
      .catch(() => { const live = document.getElementById('live'); live.textContent = 'not updating';
                     live.classList.remove('on'); });
  }
  function loadHistory() {
    return fetch(historyUrl, {cache: 'no-store', credentials: 'same-origin'}).then(r => r.json()).then(doc => {
      for (const w of doc.workers || []) {
        for (const s of w.samples) {
          const secs = s.seconds || 10;
          add(w.name, 'requests', s.at, s.requests / secs);
          add(w.name, 'errors', s.at, s.errors_total / secs);
          add(w.name, 'latency', s.at, s.headers_p50_seconds * 1000, s.headers_p99_seconds * 1000);
          add(w.name, 'busy', s.at, s.busy, s.connections);
          add(w.name, 'sessions', s.at, s.sticky_hits / secs, s.failovers / secs);
        }
      }
    }).catch(() => {});
  }
  // The drain panel posts in the background, so the page stays (without script the form
  // posts normally and shows the status worker's answer).
  for (const form of document.querySelectorAll('.panel form')) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      fetch(form.action, {method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin'})
        .then(r => r.text()).then(poll);
    });
  }
  loadHistory().then(function () { poll(); setInterval(poll, 2000); });
})();
)JS";

// Browsers ask for an icon; without one each page load logs a 404 in the console.
constexpr std::string_view kIcon =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\"><rect width=\"16\" height=\"16\" rx=\"3\" "
    "fill=\"#1d2430\"/><polyline points=\"2,12 6,7 9,10 14,3\" fill=\"none\" stroke=\"#4caf50\" "
    "stroke-width=\"2\"/></svg>";

}  // namespace

std::optional<Rendered> dashboard_asset(std::string_view name) {
    if (name == "dashboard.css") return Rendered{"text/css; charset=utf-8", std::string(kCss)};
    if (name == "favicon.svg") return Rendered{"image/svg+xml", std::string(kIcon)};
    if (name == "dashboard.js") return Rendered{"text/javascript; charset=utf-8", std::string(kJs)};
    return std::nullopt;
}

}  // namespace ajpgate::status::detail
