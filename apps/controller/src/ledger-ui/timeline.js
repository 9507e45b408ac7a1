/*
 * The timeline page's model: pure functions from Rollout objects
 * (ledger.daemonledger.io/v1) to lanes, bands and a time scale. No DOM, no
 * fetch, no clock (the caller passes `now`), so jest runs it in node and the
 * browser loads it as a classic script (window.LedgerTimeline, after
 * scale.js). Types: timeline.d.ts.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory(require('./scale'));
  else root.LedgerTimeline = factory(root.LedgerScale);
})(typeof self !== 'undefined' ? self : this, function (scaleModule) {
  'use strict';
  var makeScale = scaleModule.makeScale;

  /** What each segment kind means, for titles, the legend and the steps table. */
  var SEGMENT_LABELS = {
    waiting: 'waiting (maxUnavailable / maxSurge)',
    stopping: 'old pod stopping',
    pending: 'new pod created, scheduled',
    pulling: 'pulling image',
    backoff: 'image pull failed, backing off',
    starting: 'starting',
    ready: 'Ready, not yet available',
  };
  var MARKER_LABELS = { ready: 'Ready', available: 'Available', pullFailed: 'PullFailed' };

  /** Which open segments each step closes, and which it opens. */
  var CLOSES = {
    OldPodDeleted: ['stopping'],
    Pulling: ['pending', 'backoff'],
    Pulled: ['pending', 'pulling'],
    PullFailed: ['pending', 'pulling'],
    Started: ['pending', 'pulling', 'backoff'],
    Ready: ['pending', 'pulling', 'starting', 'backoff'],
    Available: ['ready', 'pending', 'pulling', 'starting'],
  };
  var OPENS = {
    OldPodStopRequested: 'stopping',
    NewPodCreated: 'pending',
    Pulling: 'pulling',
    Pulled: 'starting',
    PullFailed: 'backoff',
    Ready: 'ready',
  };
  var MARKS = { Ready: 'ready', Available: 'available', PullFailed: 'pullFailed' };
  var WAITS = { WaitingForMaxUnavailable: true, WaitingForMaxSurge: true };

  var byNodeName = function (a, b) {
    return a.localeCompare(b, 'en', { numeric: true });
  };

  /** The axis key of a step or a rollout edge: wall time in ms, or the log position. */
  var keyOf = function (axis, time, position) {
    return axis === 'position' ? Number(position) : Date.parse(time);
  };

  /** [start, end] of a rollout on the axis; a running or stalled one ends at its last step (or `now`). */
  var rolloutSpan = function (r, axis, now) {
    var st = r.status || {};
    var start = keyOf(axis, st.startedAt || r.metadata.creationTimestamp, st.startPosition);
    var end = start;
    (st.nodes || []).forEach(function (n) {
      n.steps.forEach(function (s) {
        end = Math.max(end, keyOf(axis, s.time, s.position));
      });
    });
    if (axis === 'position') end = Math.max(end, Number(st.lastPosition || start));
    else if (st.endedAt) end = Math.max(end, Date.parse(st.endedAt));
    else if ((st.state === 'Progressing' || st.state === 'Paused' || st.state === 'Holding') && now !== undefined) end = Math.max(end, now);
    return [start, end];
  };

  /**
   * One node's steps in one rollout → segments (from → to on the axis) and
   * markers (a point). A segment still open at the end runs to `end` and is
   * flagged `open` (the rollout has not got past it).
   */
  var nodeTrack = function (steps, axis, end) {
    var open = {};
    var segments = [];
    var markers = [];
    var close = function (kind, at, step) {
      var o = open[kind];
      if (!o) return;
      delete open[kind];
      if (at > o.from || kind !== 'ready') segments.push({ kind: kind, from: o.from, to: at, steps: [o.step, step], open: false });
    };
    steps.forEach(function (s) {
      var at = keyOf(axis, s.time, s.position);
      if (!WAITS[s.step] && open.waiting) close('waiting', at, s);
      (CLOSES[s.step] || []).forEach(function (k) {
        close(k, at, s);
      });
      if (s.step === 'Started' && !open.starting && !open.ready) open.starting = { from: at, step: s };
      if (WAITS[s.step] && !open.waiting) open.waiting = { from: at, step: s };
      var opens = OPENS[s.step];
      if (opens && !open[opens]) open[opens] = { from: at, step: s };
      if (MARKS[s.step]) markers.push({ kind: MARKS[s.step], at: at, step: s });
    });
    Object.keys(open).forEach(function (kind) {
      if (kind === 'ready') return; // a Ready pod that never reported Available: the marker says enough
      segments.push({ kind: kind, from: open[kind].from, to: Math.max(end, open[kind].from), steps: [open[kind].step], open: true });
    });
    segments.sort(function (a, b) {
      return a.from - b.from;
    });
    return { segments: segments, markers: markers };
  };

  /**
   * Undos: a rollout back to a template seen before (its toHash was an
   * earlier rollout's toHash) or whose change-cause says so. → rollout
   * number → why.
   */
  var findUndos = function (rollouts) {
    var seen = {};
    var undos = {};
    sortRollouts(rollouts).forEach(function (r) {
      var spec = r.spec || {};
      var earlier = spec.toHash ? seen[spec.toHash] : undefined;
      if (earlier) undos[spec.rollout] = 'back to the template of rollout #' + earlier.rollout + ' (was revision ' + earlier.toRevision + ')';
      else if (/\bundo\b|\brollback\b/i.test(spec.changeCause || '')) undos[spec.rollout] = 'change-cause: ' + spec.changeCause;
      if (spec.toHash && !seen[spec.toHash]) seen[spec.toHash] = spec;
    });
    return undos;
  };

  var sortRollouts = function (rollouts) {
    return rollouts.slice().sort(function (a, b) {
      return (a.spec.rollout || 0) - (b.spec.rollout || 0);
    });
  };

  /**
   * Everything the swimlane chart draws, for one DaemonSet's rollouts on one
   * axis ('time' or 'position'): the scale, one band per rollout, one lane
   * per node (sorted by name) with each rollout's segments and markers.
   */
  var buildTimeline = function (rollouts, axis, now) {
    var list = sortRollouts(rollouts);
    var undos = findUndos(list);
    var spans = list.map(function (r) {
      return rolloutSpan(r, axis, now);
    });
    var scale = makeScale(spans);
    var lanes = {};
    var bands = list.map(function (r, i) {
      var st = r.status || {};
      (st.nodes || []).forEach(function (n) {
        var t = nodeTrack(n.steps, axis, spans[i][1]);
        var lane = lanes[n.node] || (lanes[n.node] = { node: n.node, segments: [], markers: [] });
        t.segments.forEach(function (s) {
          s.rollout = r.spec.rollout;
          lane.segments.push(s);
        });
        t.markers.forEach(function (m) {
          m.rollout = r.spec.rollout;
          lane.markers.push(m);
        });
      });
      var pullFailures = (st.nodes || []).reduce(function (c, n) {
        return c + n.steps.filter(function (s) {
          return s.step === 'PullFailed';
        }).length;
      }, 0);
      return {
        rollout: r.spec.rollout,
        name: r.metadata.name,
        fromRevision: r.spec.fromRevision === undefined ? null : r.spec.fromRevision,
        toRevision: r.spec.toRevision,
        state: st.state,
        from: spans[i][0],
        to: spans[i][1],
        // A stall the undo superseded is still a stall: its failed pulls say so.
        stalled: st.state === 'Stalled' || pullFailures > 0,
        pullFailures: pullFailures,
        undo: undos[r.spec.rollout] || null,
        // Only a DaemonSet's newest rollouts keep their per-node steps; the audit subresource has the rest.
        pruned: !!st.nodesPruned,
        message: st.message || '',
        changeCause: r.spec.changeCause || '',
        requestedBy: r.spec.requestedBy || '',
      };
    });
    var names = Object.keys(lanes).sort(byNodeName);
    return {
      axis: axis,
      scale: scale,
      bands: bands,
      lanes: names.map(function (n) {
        return lanes[n];
      }),
    };
  };

  /** The rollout under way at log position p (judged from the rollouts as they are now), if any. */
  var rolloutAt = function (rollouts, p) {
    var hits = sortRollouts(rollouts).filter(function (r) {
      var st = r.status || {};
      var ended = st.state === 'Complete' || st.state === 'Superseded';
      return Number(st.startPosition) <= p && (!ended || Number(st.lastPosition) >= p);
    });
    return hits[hits.length - 1];
  };

  /** Every step's log position, sorted and unique: where "previous/next step" jumps the slider. */
  var stepPositions = function (rollouts) {
    var set = {};
    rollouts.forEach(function (r) {
      ((r.status || {}).nodes || []).forEach(function (n) {
        n.steps.forEach(function (s) {
          set[s.position] = true;
        });
      });
    });
    return Object.keys(set)
      .map(Number)
      .sort(function (a, b) {
        return a - b;
      });
  };

  /**
   * Where log position p falls on the axis: p itself, or on the time axis
   * the last time recorded at or before p among the rollouts' steps and
   * starts (positions and times only grow together). undefined: before any.
   */
  var keyAtPosition = function (rollouts, axis, p) {
    if (axis === 'position') return p;
    var best;
    rollouts.forEach(function (r) {
      var st = r.status || {};
      var consider = function (time, position) {
        if (time && Number(position) <= p && (!best || Number(position) > best.position)) best = { position: Number(position), time: time };
      };
      consider(st.startedAt, st.startPosition);
      (st.nodes || []).forEach(function (n) {
        n.steps.forEach(function (s) {
          consider(s.time, s.position);
        });
      });
    });
    return best ? Date.parse(best.time) : undefined;
  };

  /** `#token=…&ds=ns/name&at=123` → its parameters (values URI-decoded). */
  var parseFragment = function (hash) {
    var out = {};
    String(hash || '')
      .replace(/^#/, '')
      .split('&')
      .forEach(function (kv) {
        if (!kv) return;
        var i = kv.indexOf('=');
        var k = i < 0 ? kv : kv.slice(0, i);
        try {
          out[decodeURIComponent(k)] = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));
        } catch (e) {
          /* a malformed escape: ignore that parameter */
        }
      });
    return out;
  };

  return {
    SEGMENT_LABELS: SEGMENT_LABELS,
    MARKER_LABELS: MARKER_LABELS,
    nodeTrack: nodeTrack,
    findUndos: findUndos,
    makeScale: makeScale,
    rolloutSpan: rolloutSpan,
    buildTimeline: buildTimeline,
    rolloutAt: rolloutAt,
    stepPositions: stepPositions,
    keyAtPosition: keyAtPosition,
    parseFragment: parseFragment,
    byNodeName: byNodeName,
  };
});
