/*
 * The timeline page: sign in (token from the URL fragment or the form, kept
 * in sessionStorage), pick a DaemonSet, draw its rollouts, and show the
 * cluster at the slider's log position through the time-travel API
 * (resourceVersionMatch=Exact). Every request carries the bearer token.
 */
(function () {
  'use strict';
  var T = self.LedgerTimeline;
  var C = self.LedgerClusterAt;
  var R = self.LedgerRender;
  var KEY = 'daemonledger.token';
  var $ = function (id) {
    return document.getElementById(id);
  };
  var state = { rollouts: [], timeline: null, head: 1, ds: null, seq: 0, timer: 0 };

  var token = function () {
    return sessionStorage.getItem(KEY);
  };

  /** GET (or POST) JSON with the token; a Status error becomes an Error carrying its code and message. */
  var api = function (path, body) {
    var init = { headers: { Authorization: 'Bearer ' + token(), Accept: 'application/json' } };
    if (body) {
      init.method = 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        var json;
        try {
          json = JSON.parse(text);
        } catch (e) {
          json = null;
        }
        if (res.ok && json) return json;
        var err = new Error((json && json.message) || res.status + ' ' + res.statusText);
        err.code = res.status;
        throw err;
      });
    });
  };

  var say = function (text, isError) {
    $('status').textContent = text;
    $('status').classList.toggle('error', !!isError);
  };

  /** Keeps the DaemonSet and position in the fragment (never the token), so a link shows the same view. */
  var remember = function () {
    var parts = [];
    if (state.ds) parts.push('ds=' + encodeURIComponent(state.ds.ns + '/' + state.ds.name));
    if (state.position) parts.push('at=' + state.position);
    history.replaceState(null, '', '#' + parts.join('&'));
  };

  var showLogin = function (message) {
    $('viewer').hidden = true;
    $('signout').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('token').focus();
  };

  var start = function () {
    if (!token()) return showLogin();
    api('/apis/apps/v1/daemonsets')
      .then(function (list) {
        $('login').hidden = true;
        $('viewer').hidden = false;
        $('signout').hidden = false;
        api('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })
          .then(function (r) {
            $('who').textContent = 'signed in as ' + r.status.userInfo.username;
          })
          .catch(function () {});
        fillDaemonSets(list);
      })
      .catch(function (e) {
        if (e.code === 401) {
          sessionStorage.removeItem(KEY);
          return showLogin('The server refused this token (401 Unauthorized).');
        }
        showLogin('Could not reach the API: ' + e.message);
      });
  };

  var fillDaemonSets = function (list) {
    var want = T.parseFragment(location.hash).ds;
    var sel = $('ds');
    sel.textContent = '';
    list.items.forEach(function (d) {
      var v = d.metadata.namespace + '/' + d.metadata.name;
      sel.appendChild(R.h('option', { value: v, selected: v === want }, v));
    });
    if (!list.items.length) return say('No DaemonSets yet: apply one (kubectl apply -f infra/manifests/nginx-ds.yaml) and reload.');
    loadDaemonSet(Number(T.parseFragment(location.hash).at));
  };

  /** Reads the chosen DaemonSet's rollouts and the head; the slider goes to `at` if given and in range, else to the head. */
  var loadDaemonSet = function (at) {
    var v = $('ds').value.split('/');
    state.ds = { ns: v[0], name: v.slice(1).join('/') };
    var q = '?labelSelector=' + encodeURIComponent('ledger.daemonledger.io/daemonset=' + state.ds.name);
    api('/apis/ledger.daemonledger.io/v1/namespaces/' + encodeURIComponent(state.ds.ns) + '/rollouts' + q)
      .then(function (list) {
        useRollouts(list.items, Number(list.metadata.resourceVersion), at);
        say(list.items.length + ' rollout(s) of ' + $('ds').value + '; log head at position ' + state.head + '.');
      })
      .catch(function (e) {
        say(e.code === 404 ? 'This server does not serve ledger.daemonledger.io/v1 rollouts (404): only the cluster at a position is shown.' : 'Could not read the rollouts: ' + e.message, true);
        // Without rollouts the slider still travels in time: the head comes from a plain list.
        api('/apis/apps/v1/daemonsets').then(function (l) {
          useRollouts([], Number(l.metadata.resourceVersion), at);
        });
      });
  };

  var useRollouts = function (items, head, at) {
    state.rollouts = items;
    state.head = head || 1;
    var only = $('only');
    var chosen = only.value;
    only.textContent = '';
    only.appendChild(R.h('option', { value: '' }, 'all (' + items.length + ')'));
    items.forEach(function (r) {
      var v = String(r.spec.rollout);
      only.appendChild(R.h('option', { value: v, selected: v === chosen }, r.metadata.name + ' (' + (r.status.state || '') + ')'));
    });
    draw();
    $('position').max = String(state.head);
    $('position-exact').max = String(state.head);
    setPosition(at >= 1 && at <= state.head ? at : state.head);
  };

  var shown = function () {
    var only = $('only').value;
    return only
      ? state.rollouts.filter(function (r) {
          return String(r.spec.rollout) === only;
        })
      : state.rollouts;
  };

  var axis = function () {
    return document.querySelector('input[name=axis]:checked').value;
  };

  /** The node filter: a case-insensitive substring of the node's name. */
  var nodeShown = function (name) {
    var f = $('nodes').value.trim().toLowerCase();
    return !f || name.toLowerCase().indexOf(f) >= 0;
  };

  var draw = function () {
    var rs = shown();
    state.timeline = T.buildTimeline(rs, axis(), Date.now());
    state.timeline.lanes = state.timeline.lanes.filter(function (l) {
      return nodeShown(l.node);
    });
    R.renderChart($('chart'), state.timeline, setPosition);
    var revs = {};
    rs.forEach(function (r) {
      revs[r.spec.toRevision] = true;
      if (r.spec.fromRevision) revs[r.spec.fromRevision] = true;
    });
    R.renderLegend($('legend'), Object.keys(revs).map(Number).sort(function (a, b) { return a - b; }));
    R.renderTables($('tables'), rs, setPosition);
    if (state.position) R.placeCursor($('chart'), state.timeline, T.keyAtPosition(state.rollouts, axis(), state.position));
  };

  /** Moves the slider (and the chart's cursor) at once; reads the cluster there after a short pause, dropping stale answers. */
  var setPosition = function (p) {
    p = Math.max(1, Math.min(state.head, Math.round(Number(p)) || 1));
    state.position = p;
    $('position').value = String(p);
    $('position').setAttribute('aria-valuetext', 'position ' + p + ' of ' + state.head);
    $('position-exact').value = String(p);
    var key = T.keyAtPosition(state.rollouts, axis(), p);
    R.placeCursor($('chart'), state.timeline, key);
    $('position-out').textContent = 'Position ' + p + ' of ' + state.head + (key !== undefined && axis() === 'time' ? ' · last rollout step recorded at or before it: ' + R.clock(key) : '') + ' · loading…';
    remember();
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      loadAt(p);
    }, 150);
  };

  var loadAt = function (p) {
    var seq = ++state.seq;
    var ns = encodeURIComponent(state.ds.ns);
    var q = '?resourceVersion=' + p + '&resourceVersionMatch=Exact';
    Promise.all([
      api('/apis/apps/v1/namespaces/' + ns + '/daemonsets' + q),
      api('/api/v1/namespaces/' + ns + '/pods' + q),
      api('/api/v1/nodes' + q),
      api('/apis/apps/v1/namespaces/' + ns + '/controllerrevisions' + q),
    ])
      .then(function (lists) {
        if (seq !== state.seq) return;
        var ds = lists[0].items.filter(function (d) {
          return d.metadata.name === state.ds.name;
        })[0];
        var revisions = lists[3].items;
        var cells = C.nodeGrid({ daemonSet: state.ds.name, daemonSetObject: ds, pods: lists[1].items, nodes: lists[2].items, revisions: revisions });
        R.renderSummary($('at-summary'), C.daemonSetSummary(ds, revisions), T.rolloutAt(state.rollouts, p), state.ds.ns + '/' + state.ds.name, p);
        state.cells = cells;
        R.renderGrid($('grid'), cells.filter(function (c) {
          return nodeShown(c.node);
        }));
        $('position-out').textContent = $('position-out').textContent.replace(' · loading…', '');
        $('grid').setAttribute('data-position', String(p));
      })
      .catch(function (e) {
        if (seq !== state.seq) return;
        $('position-out').textContent = 'Position ' + p + ': ' + e.message;
      });
  };

  /** Previous/next step of the shown rollouts from the slider's position. */
  var stepBy = function (dir) {
    var ps = T.stepPositions(shown());
    var p = state.position || state.head;
    var target = dir < 0 ? ps.filter(function (x) { return x < p; }).pop() : ps.filter(function (x) { return x > p; })[0];
    if (target !== undefined) setPosition(target);
  };

  /** A token in the fragment goes to session storage and out of the address bar and history at once (it never reaches the server, but screens and shoulders see it). */
  var takeToken = function () {
    var frag = T.parseFragment(location.hash);
    if (!frag.token) return false;
    sessionStorage.setItem(KEY, frag.token);
    delete frag.token;
    history.replaceState(null, '', '#' + Object.keys(frag).map(function (k) { return k + '=' + encodeURIComponent(frag[k]); }).join('&'));
    return true;
  };

  document.addEventListener('DOMContentLoaded', function () {
    takeToken();
    // A link with a token opened in this tab again changes only the fragment: no reload.
    window.addEventListener('hashchange', function () {
      if (takeToken()) start();
    });
    $('login-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      sessionStorage.setItem(KEY, $('token').value.trim());
      $('token').value = '';
      start();
    });
    $('signout').addEventListener('click', function () {
      sessionStorage.removeItem(KEY);
      showLogin('Signed out.');
    });
    $('ds').addEventListener('change', function () {
      $('only').value = '';
      loadDaemonSet();
    });
    $('only').addEventListener('change', draw);
    $('nodes').addEventListener('input', function () {
      draw();
      if (state.cells) R.renderGrid($('grid'), state.cells.filter(function (c) {
        return nodeShown(c.node);
      }));
    });
    $('reload').addEventListener('click', function () {
      loadDaemonSet(state.position);
    });
    // Following: reread every 3 s; a slider at the head stays at the head.
    setInterval(function () {
      if ($('follow').checked && state.ds && !$('viewer').hidden) loadDaemonSet(state.position === state.head ? undefined : state.position);
    }, 3000);
    document.querySelectorAll('input[name=axis]').forEach(function (el) {
      el.addEventListener('change', draw);
    });
    $('pick').addEventListener('submit', function (ev) {
      ev.preventDefault();
    });
    $('position').addEventListener('input', function () {
      setPosition($('position').value);
    });
    $('position-exact').addEventListener('change', function () {
      setPosition($('position-exact').value);
    });
    $('position-exact').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter') setPosition($('position-exact').value);
    });
    $('prev').addEventListener('click', function () {
      stepBy(-1);
    });
    $('next').addEventListener('click', function () {
      stepBy(1);
    });
    start();
  });
})();
