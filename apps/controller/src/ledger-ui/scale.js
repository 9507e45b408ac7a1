/*
 * The chart's horizontal scale: pure, no DOM. Browser: window.LedgerScale
 * (load before timeline.js); node: module.exports. Types: timeline.d.ts
 * (timeline.js re-exports makeScale).
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.LedgerScale = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  /**
   * A piecewise-linear scale over the rollouts' spans. Each rollout gets a
   * stretch of its own (clipped where the next one starts: a superseded
   * rollout ends as its successor begins) at least `minShare` wide, so every
   * band stays readable; idle time between rollouts longer than a tenth of
   * the busy time is cut out and shown as a break, shorter idle time stays
   * as real time.
   */
  var makeScale = function (spans, opts) {
    opts = opts || {};
    var sorted = spans.slice().sort(function (a, b) {
      return a[0] - b[0];
    });
    if (!sorted.length) sorted = [[0, 1]];
    var minShare = opts.minShare === undefined ? Math.min(0.2, 0.7 / sorted.length) : opts.minShare;
    var breakShare = opts.breakShare === undefined ? 0.03 : opts.breakShare;
    var stretches = [];
    var edge = -Infinity;
    sorted.forEach(function (s, i) {
      var from = Math.max(s[0], edge);
      var next = sorted[i + 1];
      var to = Math.max(from, next ? Math.min(s[1], next[0]) : s[1]);
      stretches.push({ from: from, to: to, busy: true });
      edge = to;
    });
    var busy = stretches.reduce(function (sum, p) {
      return sum + (p.to - p.from);
    }, 0);
    // Between stretches: a short gap is a stretch of real time, a long one a break.
    var parts = [];
    stretches.forEach(function (p, i) {
      var prev = stretches[i - 1];
      var gap = prev ? p.from - prev.to : 0;
      if (gap > busy * 0.1) p.breakBefore = { gap: gap };
      else if (gap > 0) parts.push({ from: prev.to, to: p.from, busy: false });
      parts.push(p);
    });
    var total = parts.reduce(function (sum, p) {
      return sum + (p.to - p.from);
    }, 0);
    var shares = parts.map(function (p) {
      var share = total > 0 ? (p.to - p.from) / total : 1 / parts.length;
      return p.busy ? Math.max(share, minShare) : share;
    });
    var breaks = [];
    var room = 1 - breakShare * stretches.filter(function (p) { return p.breakBefore; }).length;
    var sum = shares.reduce(function (a, b) {
      return a + b;
    }, 0);
    var x = 0;
    parts.forEach(function (p, i) {
      if (p.breakBefore) {
        breaks.push({ x0: x, x1: x + breakShare, gap: p.breakBefore.gap });
        p.breakBefore.x = x + breakShare / 2;
        x += breakShare;
      }
      p.x0 = x;
      x += (shares[i] / sum) * room;
      p.x1 = x;
    });
    var at = function (k) {
      for (var i = 0; i < parts.length; i++) {
        var p = parts[i];
        if (k < p.from) return p.breakBefore ? p.breakBefore.x : p.x0;
        if (k <= p.to) return p.to === p.from ? (p.x0 + p.x1) / 2 : p.x0 + ((k - p.from) / (p.to - p.from)) * (p.x1 - p.x0);
      }
      return 1;
    };
    var pieces = stretches.map(function (p) {
      return { from: p.from, to: p.to, x0: p.x0, x1: p.x1 };
    });
    return { at: at, pieces: pieces, breaks: breaks };
  };

  return { makeScale: makeScale };
});
