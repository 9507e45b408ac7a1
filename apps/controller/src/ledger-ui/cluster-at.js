/*
 * The cluster as it was at one log position, as the page's node grid shows
 * it: pure functions over the lists the time-travel API returned
 * (resourceVersionMatch=Exact). Browser: window.LedgerClusterAt; node:
 * module.exports. Types: cluster-at.d.ts.
 */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.LedgerClusterAt = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  var HASH_LABEL = 'controller-revision-hash';

  var byName = function (a, b) {
    return a.localeCompare(b, 'en', { numeric: true });
  };

  var ownedBy = function (obj, dsName) {
    return ((obj.metadata && obj.metadata.ownerReferences) || []).some(function (o) {
      return o.kind === 'DaemonSet' && o.name === dsName;
    });
  };

  var matches = function (labels, selector) {
    var want = (selector && selector.matchLabels) || {};
    var keys = Object.keys(want);
    return (
      keys.length > 0 &&
      keys.every(function (k) {
        return labels && labels[k] === want[k];
      })
    );
  };

  /** The node a daemon pod is for: its nodeName, or before binding the node its required affinity names (as the DaemonSet controller writes it). */
  var targetNode = function (pod) {
    if (pod.spec.nodeName) return pod.spec.nodeName;
    var na = pod.spec.affinity && pod.spec.affinity.nodeAffinity;
    var terms = (na && na.requiredDuringSchedulingIgnoredDuringExecution && na.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms) || [];
    for (var i = 0; i < terms.length; i++) {
      var fields = terms[i].matchFields || [];
      for (var j = 0; j < fields.length; j++) {
        var f = fields[j];
        if (f.key === 'metadata.name' && f.operator === 'In' && (f.values || []).length === 1) return f.values[0];
      }
    }
    return undefined;
  };

  /**
   * What a pod was doing, in kubectl's words: Terminating, a container's
   * waiting reason (ErrImagePull, ImagePullBackOff, ContainerCreating), or
   * the phase, with Ready for a running pod whose Ready condition is True.
   */
  var podState = function (pod) {
    if (pod.metadata.deletionTimestamp) return 'Terminating';
    var st = pod.status || {};
    var waiting = (st.containerStatuses || [])
      .map(function (c) {
        return c.state && c.state.waiting && c.state.waiting.reason;
      })
      .filter(Boolean)[0];
    if (waiting) return waiting;
    var ready = (st.conditions || []).some(function (c) {
      return c.type === 'Ready' && c.status === 'True';
    });
    if (st.phase === 'Running') return ready ? 'Ready' : 'Running';
    return st.phase || 'Pending';
  };

  /**
   * The node grid at a position: one cell per node (sorted by name) with the
   * DaemonSet's pods on it, each with its revision number (from the
   * ControllerRevisions of that moment, by hash) and state. Pods are the
   * DaemonSet's by owner reference, or by its selector when orphaned.
   */
  var nodeGrid = function (input) {
    var dsName = input.daemonSet;
    var ds = input.daemonSetObject;
    var revisionOf = {};
    (input.revisions || []).forEach(function (cr) {
      var hash = cr.metadata.labels && cr.metadata.labels[HASH_LABEL];
      if ((ownedBy(cr, dsName) || (ds && matches(cr.metadata.labels, ds.spec.selector))) && hash) revisionOf[hash] = cr.revision;
    });
    var pods = (input.pods || []).filter(function (p) {
      return ownedBy(p, dsName) || (ds && matches(p.metadata.labels, ds.spec.selector));
    });
    var cells = {};
    (input.nodes || []).forEach(function (n) {
      var conds = (n.status && n.status.conditions) || [];
      var ready = conds.some(function (c) {
        return c.type === 'Ready' && c.status === 'True';
      });
      cells[n.metadata.name] = { node: n.metadata.name, nodeReady: ready, cordoned: !!(n.spec && n.spec.unschedulable), known: true, pods: [] };
    });
    pods.forEach(function (p) {
      var node = targetNode(p) || '(unscheduled)';
      var cell = cells[node] || (cells[node] = { node: node, nodeReady: false, cordoned: false, known: false, pods: [] });
      var hash = p.metadata.labels && p.metadata.labels[HASH_LABEL];
      cell.pods.push({ name: p.metadata.name, hash: hash || '', revision: hash && revisionOf[hash] !== undefined ? revisionOf[hash] : null, state: podState(p) });
    });
    return Object.keys(cells)
      .sort(byName)
      .map(function (k) {
        var c = cells[k];
        c.pods.sort(function (a, b) {
          return (a.revision || 0) - (b.revision || 0);
        });
        // The cell's colour: the newest revision on the node.
        c.revision = c.pods.length ? c.pods[c.pods.length - 1].revision : null;
        return c;
      });
  };

  /** The DaemonSet's status line at a position, as `kubectl get ds` columns. */
  var daemonSetSummary = function (ds, revisions) {
    if (!ds) return null;
    var s = ds.status || {};
    var owned = (revisions || []).filter(function (cr) {
      return ownedBy(cr, ds.metadata.name);
    });
    var current = owned.reduce(function (m, cr) {
      return Math.max(m, cr.revision);
    }, 0);
    return {
      desired: s.desiredNumberScheduled || 0,
      current: s.currentNumberScheduled || 0,
      ready: s.numberReady || 0,
      upToDate: s.updatedNumberScheduled || 0,
      available: s.numberAvailable || 0,
      unavailable: s.numberUnavailable || 0,
      generation: ds.metadata.generation || 0,
      observedGeneration: s.observedGeneration || 0,
      revision: current || null,
      images: ((ds.spec.template && ds.spec.template.spec && ds.spec.template.spec.containers) || []).map(function (c) {
        return c.image;
      }),
    };
  };

  return { podState: podState, targetNode: targetNode, nodeGrid: nodeGrid, daemonSetSummary: daemonSetSummary };
});
