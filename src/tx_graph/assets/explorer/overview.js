/* tx-graph explorer: the overview network (overview.html only; needs explorer.js first).
 *
 * Positions are precomputed (physics off). Node names are drawn by this script, not by
 * vis-network: after each drawing, names are placed most important first and a name
 * that would cover one already placed is left out, so zooming in shows more names and
 * no name ever covers another. Groups (a town and what is in it, or a community of the
 * rest) are drawn as labelled discs under the nodes. A click highlights the node's
 * neighbourhood and opens its facts in the side panel; "expand" there adds the
 * neighbours the filters hide.
 */
(function () {
  'use strict';

  var TXX = window.TXX;
  var U = TXX.util;

  // D.nodes: [href, label, type index, mentions, x, y, head index, town indexes, years,
  //           degree, members (heads), disc radius (heads), size, first alias, doc indexes]
  // D.groups: [head index, centre x, centre y, radius, label, is a town]
  TXX.overview = function (D) {
    var el = document.getElementById('overview');
    if (!el || !window.vis) return;
    var N = D.nodes.length;
    var E = D.edges.length;
    var typeOn = D.types.map(function () { return true; });
    // relations to years are off at first: the time axis would pull a line from every dated thing
    function relDefault() { return D.rels.map(function (r) { return r !== 'in year'; }); }
    var relOn = relDefault();
    var town = -1, year = 0, doc = -1;
    var showLoose = false;
    var yearType = D.types.indexOf('year');
    var isHead = new Uint8Array(N);
    var loose = new Uint8Array(N); // linked to nothing (years aside): kept in a strip behind a toggle
    var forced = new Uint8Array(N); // added by "expand", whatever the filters say
    D.nodes.forEach(function (n, i) {
      if (n[6] >= 0) isHead[n[6]] = 1;
      if (n[9] === 0 && n[2] !== yearType) loose[i] = 1;
    });
    var neighbours = D.nodes.map(function () { return []; });
    D.edges.forEach(function (e) {
      neighbours[e[0]].push(e[1]);
      neighbours[e[1]].push(e[0]);
    });
    var state = new Int8Array(N); // 0 absent, 1 drawn, 2 drawn collapsed (a town holding its members)
    var shownCount = new Int32Array(N);
    var nodes = new vis.DataSet();
    var edges = new vis.DataSet();
    var opts = U.options(N > 1500);
    opts.interaction.hover = true;
    var network = new vis.Network(el, { nodes: nodes, edges: edges }, opts);
    var statusEl = document.getElementById('status');
    TXX.network = network;
    TXX.networks.overview = network;
    TXX.data = D;
    var focus = -1; // the highlighted node
    var lit = null; // its neighbourhood (Uint8Array) while highlighted

    function passes(i) {
      if (forced[i]) return true;
      var n = D.nodes[i];
      if (!typeOn[n[2]]) return false;
      if (loose[i] && !showLoose) return false;
      if (town >= 0 && i !== town && n[7].indexOf(town) < 0) return false;
      if (year && n[8].indexOf(year) < 0) return false;
      if (doc >= 0 && n[14].indexOf(doc) < 0) return false;
      return true;
    }

    // names in order of importance: towns and big groups, then the most mentioned and linked
    var rank = [];
    for (var j = 0; j < N; j++) if (D.nodes[j][2] !== yearType) rank.push(j);
    function weight(n) { return n[3] + 2 * n[9] + n[10] + (n[10] ? 50 : 0); }
    rank.sort(function (a, b) { return weight(D.nodes[b]) - weight(D.nodes[a]) || a - b; });
    var top = new Uint8Array(N);
    rank.slice(0, 30).forEach(function (i) { top[i] = 1; });
    var names = new Array(N);

    function nodeObject(i, collapsed, inside) {
      var n = D.nodes[i];
      var type = D.types[n[2]];
      var lines = [n[1], type + ' · ' + U.typeStyle(type)[0], U.plural(n[3], 'mention') + ' · ' + U.plural(n[9], 'link')];
      if (n[13]) lines.push('also: ' + n[13]);
      if (collapsed) lines.push(U.plural(inside, 'entity') + ' inside — zoom in to expand');
      lines.push('click for its facts · double-click to open its page');
      var size = collapsed ? Math.max(n[12], 14 + 3 * Math.sqrt(inside), 0.4 * n[11]) : n[12];
      var name = collapsed ? n[1] + ' (+' + inside + ')' : n[1];
      names[i] = name;
      var v = U.visNode(i, undefined, type, size, n[4], n[5], lines.join('\n'), 14);
      if (n[2] === yearType) { v.shape = 'square'; v.size = 9; }
      v.name = name;
      if (lit) v.opacity = lit[i] ? 1 : 0.15;
      return v;
    }

    function edgeObject(id, a, b, rel, title, extra) {
      var e = U.visEdge(id, a, b, rel, title, extra);
      e.rel = rel;
      if (lit && a !== focus && b !== focus) e.color.opacity = 0.06;
      return e;
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
      if (aggregating) {
        for (i = 0; i < N; i++) if (forced[i] && D.nodes[i][6] >= 0) expanded[D.nodes[i][6]] = 1;
      }
      if (aggregating && !initial) {
        var v = view();
        var drawn = 0;
        for (i = 0; i < N; i++) if (pass[i] && (D.nodes[i][6] < 0 || expanded[D.nodes[i][6]])) drawn++;
        var candidates = [];
        for (i = 0; i < N; i++) {
          if (!isHead[i] || expanded[i]) continue;
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
        edgeAdd.push(edgeObject(id, e[0], e[1], rel, D.nodes[e[0]][1] + ' — ' + rel + ' → ' + D.nodes[e[1]][1]));
      });
      var edgeChange = [];
      Object.keys(summed).forEach(function (id) {
        var s = summed[id];
        var rel = D.rels[s[2]];
        var obj = edgeObject(id, s[0], s[1], rel, s[3] + ' × ' + rel + ' between ' + D.nodes[s[0]][1] + ' and ' + D.nodes[s[1]][1],
          { width: Math.min(8, 1 + Math.log2(s[3])) });
        (have[id] ? edgeChange : edgeAdd).push(obj);
      });
      if (edgeRemove.length) edges.remove(edgeRemove);
      if (remove.length) nodes.remove(remove);
      add.sort(function (a, b) { return a.size - b.size; });
      if (add.length) nodes.add(add);
      if (change.length) nodes.update(change);
      if (edgeAdd.length) edges.add(edgeAdd);
      if (edgeChange.length) edges.update(edgeChange);
      var collapsedHeads = 0, hidden = 0, looseCount = 0;
      for (i = 0; i < N; i++) {
        if (state[i] === 2) { collapsedHeads++; hidden += memberPass[i]; }
        if (loose[i]) looseCount++;
      }
      var text = 'Showing ' + nodes.length.toLocaleString('en') + ' of ' + U.plural(N, 'entity') +
        ' and ' + edges.length.toLocaleString('en') + ' of ' + U.plural(E, 'relation') + '.';
      var hiddenLoose = showLoose ? 0 : looseCount;
      if (passing < N - hiddenLoose) text += ' Filters match ' + passing.toLocaleString('en') + '.';
      if (hiddenLoose) text += ' ' + hiddenLoose.toLocaleString('en') + ' unconnected hidden.';
      if (collapsedHeads) text += ' ' + U.plural(collapsedHeads, 'town') + ' collapsed, holding ' + hidden.toLocaleString('en') + ' more: zoom in to expand.';
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
      // vis-network throws "Nodes has to be an array of ids" for nodes: undefined
      if (ids.length) network.fit({ nodes: ids, animation: false });
      else network.fit({ animation: false });
      schedule();
    }

    // ---------------------------------------------------------------- highlight and panel
    function restyle() {
      var nodeChanges = [];
      nodes.getIds().forEach(function (id) {
        nodeChanges.push({ id: id, opacity: lit ? (lit[id] ? 1 : 0.15) : 1 });
      });
      nodes.update(nodeChanges);
      var edgeChanges = [];
      edges.get().forEach(function (e) {
        var colour = e.color;
        var base = U.visEdge(e.id, e.from, e.to, e.rel || '', '').color;
        var on = !lit || e.from === focus || e.to === focus;
        edgeChanges.push({ id: e.id, color: { color: colour.color, highlight: colour.highlight, hover: colour.hover, opacity: on ? base.opacity : 0.06 } });
      });
      edges.update(edgeChanges);
    }

    function highlight(i) {
      focus = i;
      if (i < 0) {
        lit = null;
      } else {
        lit = new Uint8Array(N);
        lit[i] = 1;
        neighbours[i].forEach(function (j) { lit[j] = 1; });
      }
      restyle();
    }

    TXX.panel.onExpand = function (i) {
      var added = 0;
      neighbours[i].forEach(function (j) {
        if (!state[j]) added++;
        forced[j] = 1;
      });
      forced[i] = 1;
      update(false);
      highlight(i);
      statusEl.textContent += ' Expanded ' + D.nodes[i][1] + ': ' + U.plural(added, 'neighbour') + ' added.';
    };
    TXX.panel.onClose = function () { highlight(-1); };
    TXX.select = function (i) {
      highlight(i);
      TXX.panel.open(D.nodes[i][0], D.nodes[i][1], i);
    };

    network.on('click', function (p) {
      if (p.nodes.length) TXX.select(p.nodes[0]);
      else if (!p.edges.length && lit) TXX.panel.close();
    });
    network.on('doubleClick', function (p) {
      if (p.nodes.length) U.go(D.nodes[p.nodes[0]][0]);
    });
    network.on('hoverNode', function () { el.style.cursor = 'pointer'; });
    network.on('blurNode', function () { el.style.cursor = ''; });
    network.on('zoom', schedule);
    network.on('dragEnd', schedule);

    // ---------------------------------------------------------------- groups and names
    network.on('beforeDrawing', function (ctx) {
      var scale = network.getScale();
      (D.groups || []).forEach(function (g) {
        if (state[g[0]] !== 1) return;
        ctx.beginPath();
        ctx.arc(g[1], g[2], g[3], 0, 2 * Math.PI);
        ctx.fillStyle = g[5] ? 'rgba(11,132,165,0.06)' : 'rgba(120,110,160,0.05)';
        ctx.fill();
        ctx.lineWidth = 1.2 / scale;
        ctx.setLineDash([6 / scale, 4 / scale]);
        ctx.strokeStyle = g[5] ? 'rgba(11,132,165,0.45)' : 'rgba(120,110,160,0.35)';
        ctx.stroke();
        ctx.setLineDash([]);
      });
    });

    function textWidth(text, px) {
      var w = 0;
      for (var k = 0; k < text.length; k++) w += text.charCodeAt(k) > 0x2e80 ? px : px * 0.58;
      return w;
    }

    TXX.labels = []; // what the last drawing labelled: [index, x0, y0, x1, y1] in screen pixels (tests read it)
    network.on('afterDrawing', function (ctx) {
      var scale = network.getScale();
      var t = network.body.view.translation;
      var W = el.clientWidth, H = el.clientHeight;
      var CELL = 64;
      var grid = {};
      var placed = [];
      function free(r) {
        for (var gx = Math.floor(r[0] / CELL); gx <= Math.floor(r[2] / CELL); gx++) {
          for (var gy = Math.floor(r[1] / CELL); gy <= Math.floor(r[3] / CELL); gy++) {
            var cell = grid[gx + ',' + gy];
            if (!cell) continue;
            for (var q = 0; q < cell.length; q++) {
              var o = cell[q];
              if (r[0] < o[2] && o[0] < r[2] && r[1] < o[3] && o[1] < r[3]) return false;
            }
          }
        }
        return true;
      }
      function take(r) {
        for (var gx = Math.floor(r[0] / CELL); gx <= Math.floor(r[2] / CELL); gx++) {
          for (var gy = Math.floor(r[1] / CELL); gy <= Math.floor(r[3] / CELL); gy++) {
            (grid[gx + ',' + gy] = grid[gx + ',' + gy] || []).push(r);
          }
        }
      }
      function draw(text, x, y, px, colour, bold) {
        ctx.font = (bold ? '600 ' : '') + px / scale + 'px ' + U.FONT;
        ctx.lineWidth = 3 / scale;
        ctx.strokeStyle = 'rgba(255,255,255,0.92)';
        ctx.strokeText(text, x, y);
        ctx.fillStyle = colour;
        ctx.fillText(text, x, y);
      }
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.lineJoin = 'round';
      // years: the time axis, named first
      for (var y = 0; y < N; y++) {
        if (!state[y] || D.nodes[y][2] !== yearType) continue;
        var yn = network.body.nodes[y];
        if (!yn) continue;
        var ysx = yn.x * scale + t.x, ysy = yn.y * scale + t.y - 30;
        var yr = [ysx - 22, ysy, ysx + 22, ysy + 18];
        if (!free(yr)) continue;
        take(yr);
        placed.push([y].concat(yr));
        draw(D.nodes[y][1], yn.x, yn.y - 30 / scale, 14, '#34495e', true);
      }
      // group names on the top edge of their disc
      (D.groups || []).forEach(function (g) {
        if (state[g[0]] !== 1) return;
        var px = g[5] ? 16 : 14;
        var sx = g[1] * scale + t.x, sy = (g[2] - g[3]) * scale + t.y - px * 1.3;
        var w = textWidth(g[4], px);
        var r = [sx - w / 2, sy, sx + w / 2, sy + px * 1.25, g[0]];
        if (r[2] < 0 || r[0] > W || r[3] < 0 || r[1] > H || !free(r)) return;
        take(r);
        placed.push([-1 - g[0]].concat(r.slice(0, 4)));
        draw(g[4], g[1], (sy - t.y) / scale, px, g[5] ? '#0b5f78' : '#5a4f80', true);
      });
      // node names, most important first, each only where it covers no other
      var budget = 700;
      var order = lit ? rank.filter(function (i) { return lit[i]; }).concat(rank) : rank;
      var done = lit ? new Uint8Array(N) : null;
      for (var k = 0; k < order.length && budget > 0; k++) {
        var i = order[k];
        if (!state[i]) continue;
        if (done) { if (done[i]) continue; done[i] = 1; }
        if (lit && !lit[i]) continue;
        var node = network.body.nodes[i];
        if (!node) continue;
        var sx = node.x * scale + t.x, sy = node.y * scale + t.y;
        if (sx < -50 || sx > W + 50 || sy < -30 || sy > H + 30) continue;
        var px = top[i] || (lit && i === focus) ? 14 : 12;
        var text = names[i] || D.nodes[i][1];
        var w = textWidth(text, px);
        var below = (node.options.size || 10) * scale + 2;
        var r = [sx - w / 2, sy + below, sx + w / 2, sy + below + px * 1.2];
        if (!free(r)) continue;
        take(r);
        placed.push([i].concat(r));
        budget--;
        draw(text, node.x, node.y + below / scale, px, '#1b2733', top[i] === 1);
      }
      ctx.restore();
      TXX.labels = placed;
    });

    // ---------------------------------------------------------------- controls
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
    var docSelect = document.getElementById('f-doc');
    var looseBox = document.getElementById('f-loose');
    townSelect.addEventListener('change', function () {
      town = parseInt(townSelect.value, 10);
      update(false);
      var members = [];
      for (var i = 0; i < N; i++) if (town < 0 || i === town || D.nodes[i][7].indexOf(town) >= 0) members.push(i);
      fitTo(town < 0 ? [] : members);
    });
    yearSelect.addEventListener('change', function () {
      year = parseInt(yearSelect.value, 10);
      update(false);
    });
    docSelect.addEventListener('change', function () {
      doc = parseInt(docSelect.value, 10);
      update(false);
    });
    looseBox.addEventListener('change', function () {
      showLoose = looseBox.checked;
      update(false);
      fitTo([]);
    });
    document.getElementById('f-reset').addEventListener('click', function () {
      town = -1;
      year = 0;
      doc = -1;
      showLoose = false;
      forced = new Uint8Array(N);
      townSelect.value = '-1';
      yearSelect.value = '0';
      docSelect.value = '-1';
      looseBox.checked = false;
      typeOn = typeOn.map(function () { return true; });
      relOn = relDefault();
      Array.prototype.forEach.call(document.querySelectorAll('input[data-type]'), function (b) { b.checked = true; });
      Array.prototype.forEach.call(document.querySelectorAll('input[data-rel]'), function (b) {
        b.checked = relOn[D.rels.indexOf(b.getAttribute('data-rel'))];
      });
      TXX.panel.close();
      update(false);
      fitTo([]);
    });
    document.getElementById('f-fit').addEventListener('click', function () { fitTo([]); });

    U.ready(network, 'overview');
    update(true);
    network.fit({ animation: false });
    if (D.aggregate) update(false);
  };
})();
