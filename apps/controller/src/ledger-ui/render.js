/*
 * Drawing: the swimlane chart, legend, node grid and step tables, from the
 * models of timeline.js and cluster-at.js. Every text from the API goes in
 * through textContent (never HTML). Browser only: window.LedgerRender.
 */
(function (root) {
  'use strict';
  var T = root.LedgerTimeline;

  /** An element with attributes (`class`, `aria-*`, `on<event>`…) and children (strings become text). */
  var h = function (tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else if (k === 'style') Object.assign(el.style, v);
      else el.setAttribute(k, v === true ? '' : String(v));
    });
    [].concat(children === undefined ? [] : children).forEach(function (c) {
      if (c !== null && c !== undefined && c !== false) el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return el;
  };

  /** Eight revision colours, cycled: revision n → rev-(n mod 8). */
  var revClass = function (n) {
    return n === null || n === undefined ? 'rev-none' : 'rev-' + (((n % 8) + 8) % 8);
  };

  var pad = function (n, w) {
    return String(n).padStart(w || 2, '0');
  };
  var clock = function (ms) {
    var d = new Date(ms);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds()) + (d.getUTCMilliseconds() ? '.' + pad(d.getUTCMilliseconds(), 3) : '') + 'Z';
  };
  var duration = function (ms) {
    var s = Math.round(ms / 1000);
    if (s < 1) return ms + ' ms';
    if (s < 60) return s + 's';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's';
    return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm';
  };
  var keyText = function (axis, k) {
    return axis === 'position' ? 'position ' + k : clock(k);
  };
  var gapText = function (axis, gap) {
    return axis === 'position' ? gap + ' events' : duration(gap);
  };
  var pct = function (x) {
    return (x * 100).toFixed(3) + '%';
  };

  var stepText = function (s) {
    return s.step + ' at ' + (s.time || '') + ' (position ' + s.position + ')' + (s.message ? ': ' + s.message : '');
  };

  /** A band's text; `short` keeps only the marks (the legend names them) for a band too narrow for words. */
  var bandLabel = function (b, short) {
    var rev = '#' + b.rollout + ' rev ' + (b.fromRevision === null ? '–' : b.fromRevision) + '→' + b.toRevision;
    var waiting = b.state === 'Paused' || b.state === 'Holding';
    var back = b.state === 'RolledBack';
    if (short) return rev + (b.undo ? ' ↶' : '') + (b.stalled ? ' ⚠' : '') + (waiting ? ' ⏸' : '') + (back ? ' ⤺' : '');
    return rev + (b.undo ? ' ↶ undo' : '') + (b.state === 'Stalled' ? ' ⚠ Stalled' : b.stalled ? ' ⚠ pull failed' : '') + (waiting ? ' ⏸ ' + b.state : '') + (back ? ' ⤺ rolled back' : '');
  };

  /** The chart: a row of revision bands, an axis, then one lane per node. Clicking a step moves the slider to it. */
  var renderChart = function (container, tl, onPick) {
    container.textContent = '';
    if (!tl.bands.length) {
      container.appendChild(h('p', { class: 'empty' }, 'No rollouts recorded for this DaemonSet yet.'));
      return;
    }
    var at = tl.scale.at;
    var place = function (from, to) {
      var x0 = at(from);
      return { left: pct(x0), width: pct(Math.max(at(to) - x0, 0)) };
    };
    var breaks = function () {
      return tl.scale.breaks.map(function (b) {
        return h('span', { class: 'break', style: { left: pct(b.x0), width: pct(b.x1 - b.x0) }, 'aria-hidden': 'true' });
      });
    };
    var bands = tl.bands.map(function (b) {
      var cls = 'band ' + revClass(b.toRevision) + (b.stalled ? ' stalled' : '') + (b.undo ? ' undo' : '') + (b.state === 'Superseded' ? ' superseded' : '');
      var title = bandLabel(b) + ' · ' + (b.state || '') + (b.pullFailures ? ' · ' + b.pullFailures + ' pull failure(s)' : '') + (b.undo ? ' · undo: ' + b.undo : '') + (b.pruned ? ' · per-node steps pruned (kubectl ledger audit has every event)' : '') + (b.message ? ' · ' + b.message : '') + (b.changeCause ? ' · cause: ' + b.changeCause : '') + (b.requestedBy ? ' · by ' + b.requestedBy : '');
      return h('div', { class: cls, style: place(b.from, b.to), title: title, role: 'img', 'aria-label': 'Rollout ' + title, 'data-rollout': b.rollout, 'data-label': bandLabel(b) }, h('span', { class: 'band-text' }, bandLabel(b)));
    });
    // A label where each rollout's stretch starts, and at the end; one too close to the last is left out (its band's title has it).
    var ticks = [];
    var lastX = -1;
    var pieces = tl.scale.pieces;
    pieces.forEach(function (p) {
      if (p.x0 - lastX < 0.12) return;
      ticks.push(h('span', { class: 'tick start', style: { left: pct(p.x0) } }, keyText(tl.axis, p.from)));
      lastX = p.x0;
    });
    var last = pieces[pieces.length - 1];
    if (last && last.to !== last.from && 1 - lastX >= 0.2) ticks.push(h('span', { class: 'tick end', style: { left: '100%' } }, keyText(tl.axis, last.to)));
    tl.scale.breaks.forEach(function (b) {
      ticks.push(h('span', { class: 'tick gap', style: { left: pct((b.x0 + b.x1) / 2) }, title: gapText(tl.axis, b.gap) + ' without rollouts, cut out' }, '⋯'));
    });
    var lanes = tl.lanes.map(function (lane) {
      var items = lane.segments.map(function (s) {
        var label = lane.node + ': ' + T.SEGMENT_LABELS[s.kind] + ' (rollout #' + s.rollout + ')' + (s.open ? ', still under way' : '') + ' · ' + s.steps.map(stepText).join(' → ');
        return h('span', { class: 'seg ' + s.kind + (s.open ? ' open' : ''), style: place(s.from, s.to), title: label, 'aria-label': label, role: 'img', 'data-rollout': s.rollout, onclick: function () { onPick(s.steps[0].position); } });
      });
      lane.markers.forEach(function (m) {
        var label = lane.node + ': ' + T.MARKER_LABELS[m.kind] + ' (rollout #' + m.rollout + ') · ' + stepText(m.step);
        items.push(h('span', { class: 'mark ' + m.kind, style: { left: pct(at(m.at)) }, title: label, 'aria-label': label, role: 'img', 'data-rollout': m.rollout, onclick: function () { onPick(m.step.position); } }));
      });
      return h('li', { class: 'row lane', 'data-node': lane.node }, [h('span', { class: 'rowhead' }, lane.node), h('div', { class: 'track' }, breaks().concat(items))]);
    });
    container.appendChild(h('div', { class: 'row bands' }, [h('span', { class: 'rowhead' }, 'revisions'), h('div', { class: 'track' }, breaks().concat(bands))]));
    container.appendChild(h('div', { class: 'row axis', 'aria-hidden': 'true' }, [h('span', { class: 'rowhead' }, tl.axis === 'position' ? 'position' : 'time (UTC)'), h('div', { class: 'track' }, ticks)]));
    container.appendChild(h('ol', { class: 'lanes', 'aria-label': tl.lanes.length + ' nodes' }, lanes));
    container.appendChild(h('div', { class: 'cursor-layer', 'aria-hidden': 'true' }, h('span', { class: 'cursor', hidden: true })));
    // Laid out now: a band whose words do not fit keeps its marks only (its title and aria-label keep the words).
    bands.forEach(function (el, i) {
      if (el.scrollWidth > el.clientWidth) el.firstChild.textContent = bandLabel(tl.bands[i], true);
    });
  };

  /** The slider's position as a vertical line across the chart (hidden before the first rollout). */
  var placeCursor = function (container, tl, key) {
    var c = container.querySelector('.cursor');
    if (!c) return;
    c.hidden = key === undefined;
    if (key !== undefined) c.style.left = pct(tl.scale.at(key));
  };

  var legendItem = function (cls, text) {
    return h('li', {}, [h('span', { class: 'swatch ' + cls, 'aria-hidden': 'true' }), text]);
  };

  var renderLegend = function (container, revisions) {
    container.textContent = '';
    var kinds = Object.keys(T.SEGMENT_LABELS).map(function (k) {
      return legendItem('seg ' + k, T.SEGMENT_LABELS[k]);
    });
    kinds.push(legendItem('mark ready', 'Ready'), legendItem('mark available', 'Available'), legendItem('mark pullFailed', 'image pull failed'));
    kinds.push(legendItem('band stalled', 'stalled rollout (⚠)'), legendItem('band undo', 'undo (↶): back to an earlier template'), legendItem('cursor-swatch', 'the slider’s position'));
    var revs = revisions.map(function (r) {
      return legendItem('band ' + revClass(r), 'revision ' + r);
    });
    container.appendChild(h('ul', { class: 'legend-list', 'aria-label': 'Steps and marks' }, kinds));
    if (revs.length) container.appendChild(h('ul', { class: 'legend-list', 'aria-label': 'Revision colours' }, revs));
  };

  var renderSummary = function (el, s, under, dsName, p) {
    el.textContent = '';
    if (!s) {
      el.appendChild(h('p', { class: 'empty' }, 'DaemonSet ' + dsName + ' did not exist at position ' + p + '.'));
      return;
    }
    var cols = [['DESIRED', s.desired], ['CURRENT', s.current], ['READY', s.ready], ['UP-TO-DATE', s.upToDate], ['AVAILABLE', s.available], ['REVISION', s.revision === null ? '–' : s.revision], ['GENERATION', s.observedGeneration + '/' + s.generation], ['IMAGE', s.images.join(', ')]];
    el.appendChild(
      h('table', { class: 'ds-status' }, [
        h('caption', {}, dsName + ' at position ' + p),
        h('thead', {}, h('tr', {}, cols.map(function (c) { return h('th', { scope: 'col' }, c[0]); }))),
        h('tbody', {}, h('tr', {}, cols.map(function (c) { return h('td', {}, String(c[1])); }))),
      ]),
    );
    if (under) el.appendChild(h('p', { class: 'under' }, 'Rollout #' + under.spec.rollout + ' (revision ' + (under.spec.fromRevision === null || under.spec.fromRevision === undefined ? '–' : under.spec.fromRevision) + ' → ' + under.spec.toRevision + ') was under way; it is ' + (under.status.state || 'unknown') + ' now.'));
  };

  var renderGrid = function (list, cells) {
    list.textContent = '';
    cells.forEach(function (c) {
      var pods = c.pods.length
        ? c.pods.map(function (p) {
            return h('li', { class: 'pod ' + revClass(p.revision), title: p.name }, [h('span', { class: 'rev' }, p.revision === null ? 'rev ?' : 'rev ' + p.revision), ' ', h('span', { class: 'state state-' + p.state }, p.state)]);
          })
        : [h('li', { class: 'pod none' }, 'no daemon pod')];
      var flags = (c.cordoned ? ' · cordoned' : '') + (c.known && !c.nodeReady ? ' · NotReady' : '') + (c.known ? '' : ' · node gone');
      list.appendChild(h('li', { class: 'cell ' + revClass(c.revision), 'data-node': c.node, 'data-revision': c.revision === null ? '' : c.revision }, [h('span', { class: 'node' }, c.node + flags), h('ul', { class: 'pods' }, pods)]));
    });
  };

  /** Each rollout's steps as a table (made when opened): the chart's content for screen readers and for copying. */
  var renderTables = function (container, rollouts, onPick) {
    container.textContent = '';
    rollouts.forEach(function (r) {
      if (r.status.nodesPruned) {
        container.appendChild(h('p', { class: 'empty' }, r.metadata.name + ': the server keeps per-node steps for the newest rollouts only; `kubectl ledger audit` replays this one.'));
        return;
      }
      var d = h('details', { class: 'steps' }, h('summary', {}, r.metadata.name + ': revision ' + (r.spec.fromRevision === null || r.spec.fromRevision === undefined ? '–' : r.spec.fromRevision) + ' → ' + r.spec.toRevision + ', ' + (r.status.state || '') + (r.spec.changeCause ? ' — ' + r.spec.changeCause : '')));
      d.addEventListener('toggle', function () {
        if (!d.open || d.querySelector('table')) return;
        var rows = [];
        (r.status.nodes || []).forEach(function (n) {
          n.steps.forEach(function (s) {
            rows.push(h('tr', {}, [h('td', {}, n.node), h('td', {}, s.step), h('td', {}, s.time), h('td', {}, h('button', { type: 'button', class: 'link', onclick: function () { onPick(s.position); } }, String(s.position))), h('td', {}, s.actor || ''), h('td', {}, s.message || '')]));
          });
        });
        var head = ['node', 'step', 'time', 'position', 'actor', 'message'].map(function (c) { return h('th', { scope: 'col' }, c); });
        d.appendChild(h('table', {}, [h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows)]));
      });
      container.appendChild(d);
    });
  };

  root.LedgerRender = { h: h, revClass: revClass, renderChart: renderChart, placeCursor: placeCursor, renderLegend: renderLegend, renderSummary: renderSummary, renderGrid: renderGrid, renderTables: renderTables, clock: clock };
})(self);
