/* tx-graph explorer: search, the overview network and the small networks on entity,
 * place and document pages. Runs from file:// with no network: vis-network (shipped in
 * the same folder) is the only library, the data is in the pages themselves or in
 * search-index.js, and nothing is ever fetched.
 *
 * Tooltips are plain text: vis-network 9 puts a string title in with innerText, so a
 * newline is a line break and markup would show as markup.
 */
(function () {
  'use strict';

  var ROOT = document.body.getAttribute('data-root') || '';
  var S = window.TX_SEARCH || { types: {}, rels: {}, items: [] };
  var FONT = S.font || window.getComputedStyle(document.body).fontFamily;
  var TXX = (window.TXX = window.TXX || {});
  TXX.networks = {};

  function typeStyle(t) {
    return (S.types && S.types[t]) || ['', '#999999', 'dot'];
  }

  function relStyle(r) {
    return (S.rels && S.rels[r]) || ['', '#9aa5b1', false, true];
  }

  function shade(hex, amount) {
    var n = parseInt(hex.slice(1), 16);
    var parts = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (c) {
      return Math.max(0, Math.min(255, Math.round(c + (amount < 0 ? c : 255 - c) * amount)));
    });
    return '#' + parts.map(function (c) { return (c < 16 ? '0' : '') + c.toString(16); }).join('');
  }

  function go(href) {
    window.location.href = ROOT + href;
  }

  // ------------------------------------------------------------------ search

  function norm(s) {
    return (s || '')
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\s·•・'"“”‘’「」《》()（）-]/g, '');
  }

  var prepared = null;

  function prepare() {
    if (prepared) return prepared;
    prepared = S.items.map(function (it) {
      var aliases = it[3] ? it[3].split('|') : [];
      return {
        it: it,
        label: norm(it[0]),
        aliases: aliases,
        naliases: aliases.map(norm),
        others: [norm(it[4]), norm(it[5]), norm(it[6])].filter(Boolean),
      };
    });
    return prepared;
  }

  // lower is better: exact name, exact alias, prefixes, then substrings
  function score(p, q) {
    var i;
    if (p.label === q) return [0, ''];
    for (i = 0; i < p.naliases.length; i++) if (p.naliases[i] === q) return [1, p.aliases[i]];
    if (p.label.indexOf(q) === 0) return [2, ''];
    for (i = 0; i < p.naliases.length; i++) if (p.naliases[i].indexOf(q) === 0) return [3, p.aliases[i]];
    for (i = 0; i < p.others.length; i++) if (p.others[i].indexOf(q) === 0) return [4, p.it[4] || p.it[5]];
    if (p.label.indexOf(q) >= 0) return [5, ''];
    for (i = 0; i < p.naliases.length; i++) if (p.naliases[i].indexOf(q) >= 0) return [6, p.aliases[i]];
    for (i = 0; i < p.others.length; i++) if (p.others[i].indexOf(q) >= 0) return [7, p.it[4] || p.it[5]];
    return null;
  }

  function search(query, limit) {
    var q = norm(query);
    if (!q) return [];
    var hits = [];
    prepare().forEach(function (p) {
      var s = score(p, q);
      if (s) hits.push({ s: s[0], why: s[1], it: p.it });
    });
    hits.sort(function (a, b) {
      return a.s - b.s || b.it[7] - a.it[7] || a.it[0].length - b.it[0].length || (a.it[0] < b.it[0] ? -1 : 1);
    });
    return hits.slice(0, limit || 12);
  }
  TXX.search = search;

  function initSearch(input) {
    var list = input.parentNode.querySelector('.q-results');
    var hits = [];
    var active = 0;

    function render() {
      list.textContent = '';
      if (!input.value.trim()) {
        list.hidden = true;
        return;
      }
      if (!hits.length) {
        var none = document.createElement('li');
        none.className = 'none';
        none.textContent = 'no match';
        list.appendChild(none);
      }
      hits.forEach(function (h, i) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = ROOT + h.it[2];
        if (i === active) li.className = 'active';
        var name = document.createElement('span');
        name.className = 'name';
        name.textContent = h.it[0];
        var badge = document.createElement('span');
        var style = typeStyle(h.it[1]);
        badge.className = 'badge';
        badge.style.setProperty('--c', style[1]);
        badge.textContent = style[0] || h.it[1];
        a.appendChild(name);
        a.appendChild(document.createTextNode(' '));
        a.appendChild(badge);
        if (h.why && h.why !== h.it[0]) {
          var why = document.createElement('span');
          why.className = 'why';
          why.textContent = h.why;
          a.appendChild(why);
        }
        if (h.it[7]) {
          var n = document.createElement('span');
          n.className = 'n';
          n.textContent = h.it[7];
          a.appendChild(n);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = false;
    }

    input.addEventListener('input', function () {
      hits = search(input.value, 12);
      active = 0;
      render();
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        if (!hits.length) return;
        active = (active + (ev.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
        render();
        ev.preventDefault();
      } else if (ev.key === 'Enter') {
        if (!hits.length) hits = search(input.value, 12);
        if (hits.length) go(hits[Math.min(active, hits.length - 1)].it[2]);
        ev.preventDefault();
      } else if (ev.key === 'Escape') {
        input.value = '';
        hits = [];
        render();
      }
    });
    input.addEventListener('focus', function () {
      if (input.value.trim()) render();
    });
    document.addEventListener('click', function (ev) {
      if (!input.parentNode.contains(ev.target)) list.hidden = true;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('input.q'), initSearch);

  // ------------------------------------------------------------------ networks

  function options(big) {
    return {
      autoResize: true,
      physics: false, // every position is computed at build time
      layout: { improvedLayout: false },
      interaction: {
        hover: true,
        tooltipDelay: 80,
        hideEdgesOnDrag: big,
        hideEdgesOnZoom: big,
        zoomSpeed: 0.7,
        keyboard: false,
      },
      nodes: {
        borderWidth: 1,
        borderWidthSelected: 3,
        font: { face: FONT, size: 14, color: '#1b2733', strokeWidth: 3, strokeColor: 'rgba(255,255,255,0.92)' },
        // labels appear once legible: zoomed out, only the big names (bigger fonts) show
        scaling: { label: { drawThreshold: 8, maxVisible: 24 } },
        shapeProperties: { interpolation: false },
      },
      edges: {
        smooth: false,
        width: 1,
        selectionWidth: 1.5,
        hoverWidth: 0.6,
        font: { face: FONT, size: 11, color: '#4a5560', strokeWidth: 3, strokeColor: '#ffffff' },
      },
    };
  }

  function visNode(id, label, type, size, x, y, title, fontSize) {
    var style = typeStyle(type);
    var colour = style[1];
    var node = {
      id: id,
      label: label,
      x: x,
      y: y,
      shape: style[2],
      size: size,
      title: title,
      color: {
        background: colour,
        border: shade(colour, -0.35),
        highlight: { background: shade(colour, 0.25), border: '#111111' },
        hover: { background: shade(colour, 0.2), border: '#111111' },
      },
      font: { size: fontSize || 14 },
    };
    if (style[2] === 'box') {
      node.font.color = '#ffffff';
      node.font.strokeWidth = 0;
      node.margin = 6;
    }
    return node;
  }

  function visEdge(id, from, to, rel, title, extra) {
    var style = relStyle(rel);
    var edge = {
      id: id,
      from: from,
      to: to,
      title: title,
      color: { color: style[1], highlight: shade(style[1], -0.4), hover: shade(style[1], -0.4), opacity: rel === 'in year' ? 0.35 : 0.85 },
      dashes: style[2],
      width: rel === 'in year' ? 0.6 : 1.1,
      arrows: { to: { enabled: style[3], scaleFactor: 0.45 } },
    };
    if (extra) for (var k in extra) edge[k] = extra[k];
    return edge;
  }

  function ready(network, name) {
    network.once('afterDrawing', function () {
      window.TX_READY = window.TX_READY || {};
      window.TX_READY[name] = performance.now();
      document.body.setAttribute('data-ready-' + name, '1');
    });
  }

  // Make the labels of ``ids`` legible (``px`` on screen) at the current zoom; vis caps
  // them at maxVisible when zoomed in, so they never grow huge.
  function boostLabels(network, dataset, ids, px) {
    var size = px / network.getScale();
    var changes = [];
    ids.forEach(function (id) {
      var node = dataset.get(id);
      if (node && node.font.size < size) changes.push({ id: id, font: { size: size } });
    });
    if (changes.length) dataset.update(changes);
    return size;
  }

  function plural(n, word) {
    var many = /y$/.test(word) ? word.slice(0, -1) + 'ies' : word + 's';
    return n.toLocaleString('en') + ' ' + (n === 1 ? word : many);
  }

  // A page's own network: ego (rings by distance), a place's contents or a document's entities.
  // D.nodes: [href, label, type index, mentions, x, y, distance]; D.edges: [from, to, relation index]
  TXX.mini = function (elementId, D, opts) {
    var el = document.getElementById(elementId);
    if (!el || !window.vis) return;
    var nodes = new vis.DataSet();
    var edges = new vis.DataSet();
    var network = new vis.Network(el, { nodes: nodes, edges: edges }, options(D.nodes.length > 800));
    TXX.networks[elementId] = network;
    TXX.network = TXX.network || network;

    function draw(radius) {
      var keep = D.nodes.map(function (n) { return n[6] <= radius; });
      nodes.clear();
      edges.clear();
      var list = D.nodes
          .map(function (n, i) {
            if (!keep[i]) return null;
            var type = D.types[n[2]];
            var centre = i === D.centre;
            var title = n[1] + '\n' + type + ' · ' + typeStyle(type)[0] + '\n' + plural(n[3], 'mention') +
              (centre ? '' : '\nclick to open');
            var size = Math.min(40, 9 + 2.2 * Math.sqrt(n[3])) + (centre ? 10 : 0);
            var v = visNode(i, n[1], type, size, n[4], n[5], title, centre ? 20 : n[6] === 1 ? 15 : 13);
            if (centre) {
              v.borderWidth = 3;
              v.font.bold = true;
            }
            return v;
          })
          .filter(Boolean);
      list.sort(function (a, b) { return a.size - b.size; });
      nodes.add(list);
      edges.add(
        D.edges
          .map(function (e, k) {
            if (!keep[e[0]] || !keep[e[1]]) return null;
            var rel = D.rels[e[2]];
            return visEdge(k, e[0], e[1], rel, D.nodes[e[0]][1] + ' — ' + rel + ' → ' + D.nodes[e[1]][1]);
          })
          .filter(Boolean)
      );
      network.fit({ animation: false });
      // a handful of nodes would otherwise be blown up to fill the box
      if (network.getScale() > 1.2) network.moveTo({ scale: 1.2, animation: false });
      var ranked = list.slice().sort(function (a, b) { return b.size - a.size; });
      var named = ranked.slice(0, 24).map(function (v) { return v.id; });
      if (D.centre >= 0) named.push(D.centre);
      boostLabels(network, nodes, named, 11);
    }

    network.on('click', function (p) {
      if (p.nodes.length && p.nodes[0] !== D.centre) go(D.nodes[p.nodes[0]][0]);
    });
    network.on('hoverNode', function () { el.style.cursor = 'pointer'; });
    network.on('blurNode', function () { el.style.cursor = ''; });
    ready(network, elementId);
    draw(D.radius || 2);
    if (opts && opts.radius) {
      Array.prototype.forEach.call(document.querySelectorAll('input[name=radius]'), function (input) {
        input.addEventListener('change', function () { draw(parseInt(input.value, 10)); });
      });
    }
  };

  // ------------------------------------------------------------------ overview
  // D.nodes: [href, label, type index, mentions, x, y, head index, town indexes, years,
  //           degree, members (heads), disc radius (heads), size, first alias]
  TXX.overview = function (D) {
    var el = document.getElementById('overview');
    if (!el || !window.vis) return;
    var N = D.nodes.length;
    var E = D.edges.length;
    var typeOn = D.types.map(function () { return true; });
    var relOn = D.rels.map(function () { return true; });
    var town = -1;
    var year = 0;
    var isHead = new Uint8Array(N);
    D.nodes.forEach(function (n) { if (n[6] >= 0) isHead[n[6]] = 1; });
    var state = new Int8Array(N); // 0 absent, 1 drawn, 2 drawn collapsed (a town holding its members)
    var shownCount = new Int32Array(N); // members counted into a collapsed head's label
    var nodes = new vis.DataSet();
    var edges = new vis.DataSet();
    var network = new vis.Network(el, { nodes: nodes, edges: edges }, options(N > 1500));
    var statusEl = document.getElementById('status');
    TXX.network = network;
    TXX.networks.overview = network;
    TXX.data = D;

    function passes(i) {
      var n = D.nodes[i];
      if (!typeOn[n[2]]) return false;
      if (town >= 0 && i !== town && n[7].indexOf(town) < 0) return false;
      if (year && n[8].indexOf(year) < 0) return false;
      return true;
    }

    // the names legible in the fitted view: years, towns, and the most mentioned and linked
    var important = new Uint8Array(N);
    var order = [];
    for (var j = 0; j < N; j++) {
      if (D.types[D.nodes[j][2]] === 'year') important[j] = 1;
      else order.push(j);
    }
    order.sort(function (a, b) {
      var na = D.nodes[a], nb = D.nodes[b];
      return nb[3] + 2 * nb[9] + nb[10] - (na[3] + 2 * na[9] + na[10]);
    });
    order.slice(0, 30).forEach(function (i) { important[i] = 1; });
    var labelBoost = 0;

    function fontSize(i, collapsed) {
      var n = D.nodes[i];
      var s = 13 + Math.min(22, 1.8 * Math.sqrt(n[3]) + (n[9] > 8 ? 4 : 0) + (n[10] ? 6 : 0));
      if (collapsed) s += 6;
      return important[i] ? Math.max(s, labelBoost) : s;
    }

    function nodeObject(i, collapsed, inside) {
      var n = D.nodes[i];
      var type = D.types[n[2]];
      var lines = [n[1], type + ' · ' + typeStyle(type)[0], plural(n[3], 'mention') + ' · ' + plural(n[9], 'link')];
      if (n[13]) lines.push('also: ' + n[13]);
      if (collapsed) lines.push(plural(inside, 'entity') + ' inside — zoom in to expand');
      lines.push('click to open its page');
      // a collapsed town stands for its whole disc of members: draw it about that big
      var size = collapsed ? Math.max(n[12], 14 + 3 * Math.sqrt(inside), 0.4 * n[11]) : n[12];
      var label = collapsed ? n[1] + ' (+' + inside + ')' : n[1];
      return visNode(i, label, type, size, n[4], n[5], lines.join('\n'), fontSize(i, collapsed));
    }

    function view() {
      var scale = network.getScale();
      var c = network.getViewPosition();
      var w = el.clientWidth / scale / 2;
      var h = el.clientHeight / scale / 2;
      return { x0: c.x - w, y0: c.y - h, x1: c.x + w, y1: c.y + h, cx: c.x, cy: c.y, scale: scale };
    }

    function update(initial) {
      var pass = new Uint8Array(N);
      var memberPass = new Int32Array(N);
      var passing = 0;
      var i, k;
      for (i = 0; i < N; i++) {
        if (passes(i)) {
          pass[i] = 1;
          passing++;
          if (D.nodes[i][6] >= 0) memberPass[D.nodes[i][6]]++;
        }
      }
      var aggregating = D.aggregate && passing > D.aggregateAbove;
      var expanded = new Uint8Array(N);
      if (aggregating && !initial) {
        var v = view();
        var drawn = 0;
        for (i = 0; i < N; i++) if (pass[i] && D.nodes[i][6] < 0) drawn++;
        var candidates = [];
        for (i = 0; i < N; i++) {
          if (!isHead[i]) continue;
          var n = D.nodes[i];
          var r = n[11];
          if (i === town) { expanded[i] = 1; drawn += memberPass[i]; continue; }
          var onScreen = n[4] + r > v.x0 && n[4] - r < v.x1 && n[5] + r > v.y0 && n[5] - r < v.y1;
          if (onScreen && 2 * r * v.scale >= D.expandPx) candidates.push(i);
        }
        candidates.sort(function (a, b) {
          var na = D.nodes[a], nb = D.nodes[b];
          return Math.hypot(na[4] - v.cx, na[5] - v.cy) - Math.hypot(nb[4] - v.cx, nb[5] - v.cy);
        });
        for (k = 0; k < candidates.length; k++) {
          if (drawn + memberPass[candidates[k]] > D.budget) break;
          expanded[candidates[k]] = 1;
          drawn += memberPass[candidates[k]];
        }
      }
      var want = new Int8Array(N);
      for (i = 0; i < N; i++) {
        var h = D.nodes[i][6];
        if (aggregating && h >= 0 && !expanded[h]) continue;
        var collapsible = aggregating && isHead[i] && !expanded[i] && memberPass[i] > 0;
        if (pass[i] || collapsible) want[i] = collapsible ? 2 : 1;
      }
      var add = [], remove = [], change = [];
      for (i = 0; i < N; i++) {
        if (want[i] === state[i] && (want[i] !== 2 || shownCount[i] === memberPass[i])) continue;
        if (!want[i]) remove.push(i);
        else if (!state[i]) add.push(nodeObject(i, want[i] === 2, memberPass[i]));
        else change.push(nodeObject(i, want[i] === 2, memberPass[i]));
        state[i] = want[i];
        shownCount[i] = want[i] === 2 ? memberPass[i] : 0;
      }
      // edges: original ones between drawn nodes; for collapsed members, one summed edge per pair of heads
      var wanted = {};
      var summed = {};
      for (k = 0; k < E; k++) {
        var e = D.edges[k];
        if (!relOn[e[2]]) continue;
        var a = e[0], b = e[1];
        if (want[a] && want[b]) {
          wanted['e' + k] = k;
          continue;
        }
        if (!aggregating || !pass[a] || !pass[b]) continue;
        var ra = want[a] ? a : D.nodes[a][6];
        var rb = want[b] ? b : D.nodes[b][6];
        if (ra < 0 || rb < 0 || ra === rb || !want[ra] || !want[rb]) continue;
        var id = 'a' + ra + '-' + rb + '-' + e[2];
        summed[id] = summed[id] || [ra, rb, e[2], 0];
        summed[id][3]++;
      }
      var edgeRemove = [];
      var have = {};
      edges.getIds().forEach(function (id) {
        if (wanted[id] === undefined && summed[id] === undefined) edgeRemove.push(id);
        else have[id] = 1;
      });
      var edgeAdd = [];
      Object.keys(wanted).forEach(function (id) {
        if (have[id]) return;
        var e = D.edges[wanted[id]];
        var rel = D.rels[e[2]];
        edgeAdd.push(visEdge(id, e[0], e[1], rel, D.nodes[e[0]][1] + ' — ' + rel + ' → ' + D.nodes[e[1]][1]));
      });
      var edgeChange = [];
      Object.keys(summed).forEach(function (id) {
        var s = summed[id];
        var rel = D.rels[s[2]];
        var obj = visEdge(id, s[0], s[1], rel, s[3] + ' × ' + rel + ' between ' + D.nodes[s[0]][1] + ' and ' + D.nodes[s[1]][1],
          { width: Math.min(8, 1 + Math.log2(s[3])) });
        (have[id] ? edgeChange : edgeAdd).push(obj);
      });
      if (edgeRemove.length) edges.remove(edgeRemove);
      if (remove.length) nodes.remove(remove);
      // vis draws in insertion order: small first, so hubs and their labels end up on top
      add.sort(function (a, b) { return a.size - b.size; });
      if (add.length) nodes.add(add);
      if (change.length) nodes.update(change);
      if (edgeAdd.length) edges.add(edgeAdd);
      if (edgeChange.length) edges.update(edgeChange);
      var collapsedHeads = 0, hidden = 0;
      for (i = 0; i < N; i++) if (state[i] === 2) { collapsedHeads++; hidden += memberPass[i]; }
      var text = 'Showing ' + nodes.length.toLocaleString('en') + ' of ' + plural(N, 'entity') +
        ' and ' + edges.length.toLocaleString('en') + ' of ' + plural(E, 'relation') + '.';
      if (passing < N) text += ' Filters match ' + passing.toLocaleString('en') + '.';
      if (collapsedHeads) text += ' ' + plural(collapsedHeads, 'town') + ' collapsed, holding ' + hidden.toLocaleString('en') + ' more: zoom in to expand.';
      statusEl.textContent = text;
    }

    var pending = null;
    function schedule() {
      if (!D.aggregate) return;
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () { pending = null; update(false); }, 120);
    }

    function fitTo(indexes) {
      var ids = indexes.filter(function (i) { return state[i]; });
      network.fit({ nodes: ids.length ? ids : undefined, animation: false });
      schedule();
    }

    network.on('click', function (p) {
      if (p.nodes.length) go(D.nodes[p.nodes[0]][0]);
    });
    network.on('hoverNode', function () { el.style.cursor = 'pointer'; });
    network.on('blurNode', function () { el.style.cursor = ''; });
    network.on('zoom', schedule);
    network.on('dragEnd', schedule);

    Array.prototype.forEach.call(document.querySelectorAll('input[data-type]'), function (box) {
      box.addEventListener('change', function () {
        typeOn[D.types.indexOf(box.getAttribute('data-type'))] = box.checked;
        update(false);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[data-rel]'), function (box) {
      box.addEventListener('change', function () {
        relOn[D.rels.indexOf(box.getAttribute('data-rel'))] = box.checked;
        update(false);
      });
    });
    var townSelect = document.getElementById('f-town');
    var yearSelect = document.getElementById('f-year');
    townSelect.addEventListener('change', function () {
      town = parseInt(townSelect.value, 10);
      update(false);
      var members = [];
      for (var i = 0; i < N; i++) if (town < 0 || i === town || D.nodes[i][7].indexOf(town) >= 0) members.push(i);
      fitTo(members);
    });
    yearSelect.addEventListener('change', function () {
      year = parseInt(yearSelect.value, 10);
      update(false);
    });
    document.getElementById('f-reset').addEventListener('click', function () {
      town = -1;
      year = 0;
      townSelect.value = '-1';
      yearSelect.value = '0';
      typeOn = typeOn.map(function () { return true; });
      relOn = relOn.map(function () { return true; });
      Array.prototype.forEach.call(document.querySelectorAll('input[data-type], input[data-rel]'), function (b) { b.checked = true; });
      update(false);
      fitTo([]);
    });
    document.getElementById('f-fit').addEventListener('click', function () { fitTo([]); });

    ready(network, 'overview');
    update(true);
    network.fit({ animation: false });
    var ids = [];
    for (var m = 0; m < N; m++) if (important[m] && state[m]) ids.push(m);
    labelBoost = boostLabels(network, nodes, ids, 12);
    if (D.aggregate) update(false);
  };
})();
