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

  // traditional → simplified for the characters the index uses (S.t2s: pairs of characters)
  var T2S = {};
  (function () {
    var pairs = S.t2s || '';
    for (var k = 0; k + 1 < pairs.length; k += 2) T2S[pairs[k]] = pairs[k + 1];
  })();

  function norm(s) {
    var out = (s || '')
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\s·•・'"“”‘’「」《》()（）\-—_,，。、:：;；!！?？]/g, '');
    var t = '';
    for (var k = 0; k < out.length; k++) t += T2S[out[k]] || out[k];
    return t;
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

  // every character of q in order in s: the gaps between them, or -1 (乌镇以色列产业园 is in
  // 乌镇以色列信息产业园 with one gap of two characters)
  function gaps(s, q) {
    var at = -1, total = 0;
    for (var k = 0; k < q.length; k++) {
      var next = s.indexOf(q[k], at + 1);
      if (next < 0) return -1;
      if (at >= 0) total += next - at - 1;
      at = next;
    }
    return total;
  }

  // share of q's character pairs that s holds too (a typo or a changed word still shares most)
  function pairs(s, q) {
    if (q.length < 3) return 0;
    var hit = 0;
    for (var k = 0; k + 1 < q.length; k++) if (s.indexOf(q.substr(k, 2)) >= 0) hit++;
    return hit / (q.length - 1);
  }

  // lower is better: exact name, exact alias, prefixes, substrings, then the forgiving
  // matches (characters in order, most character pairs shared)
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
    if (q.length >= 2) {
      var names = [p.label].concat(p.naliases);
      for (i = 0; i < names.length; i++) {
        var g = gaps(names[i], q);
        if (g >= 0 && g <= Math.max(2, q.length)) return [8 + g / 100, i ? p.aliases[i - 1] : ''];
      }
      for (i = 0; i < names.length; i++) {
        var share = pairs(names[i], q);
        if (share >= 0.6) return [9 + (1 - share), i ? p.aliases[i - 1] : ''];
      }
    }
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
  TXX.util = { typeStyle: typeStyle, relStyle: relStyle, shade: shade, go: go, FONT: FONT };

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
        badge.textContent = (style[0] ? style[0] + ' · ' : '') + h.it[1];
        a.appendChild(name);
        a.appendChild(document.createTextNode(' '));
        a.appendChild(badge);
        if (h.why && h.why !== h.it[0]) {
          var why = document.createElement('span');
          why.className = 'why';
          why.textContent = h.why;
          a.appendChild(why);
        }
        if (h.it[8]) {
          var desc = document.createElement('span');
          desc.className = 'desc';
          desc.textContent = h.it[8];
          a.appendChild(desc);
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

  function plural(n, word) {
    var many = /y$/.test(word) ? word.slice(0, -1) + 'ies' : word + 's';
    return n.toLocaleString('en') + ' ' + (n === 1 ? word : many);
  }

  // A page's own network: ego (rings by distance), a place's contents or a document's entities.
  // D.nodes: [href, label, type index, mentions, x, y, distance]; D.edges: [from, to, relation index]
  // Names drawn over a network, most important first, each only where it covers no name
  // already placed; ``entries()`` gives [node id, text, px, bold] in order of importance.
  function nameLayer(network, el, entries) {
    network.on('afterDrawing', function (ctx) {
      var scale = network.getScale();
      var t = network.body.view.translation;
      var W = el.clientWidth, H = el.clientHeight;
      var boxes = [];
      var placed = [];
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.lineJoin = 'round';
      entries().forEach(function (e) {
        var node = network.body.nodes[e[0]];
        if (!node || placed.length > 400) return;
        var sx = node.x * scale + t.x, sy = node.y * scale + t.y;
        if (sx < -50 || sx > W + 50 || sy < -30 || sy > H + 30) return;
        var w = 0;
        for (var k = 0; k < e[1].length; k++) w += e[1].charCodeAt(k) > 0x2e80 ? e[2] : e[2] * 0.58;
        var below = (node.options.size || 10) * scale + 2;
        var r = [sx - w / 2, sy + below, sx + w / 2, sy + below + e[2] * 1.2];
        for (var q = 0; q < boxes.length; q++) {
          var o = boxes[q];
          if (r[0] < o[2] && o[0] < r[2] && r[1] < o[3] && o[1] < r[3]) return;
        }
        boxes.push(r);
        placed.push([e[0]].concat(r));
        ctx.font = (e[3] ? '600 ' : '') + e[2] / scale + 'px ' + FONT;
        ctx.lineWidth = 3 / scale;
        ctx.strokeStyle = 'rgba(255,255,255,0.92)';
        ctx.strokeText(e[1], node.x, node.y + below / scale);
        ctx.fillStyle = '#1b2733';
        ctx.fillText(e[1], node.x, node.y + below / scale);
      });
      ctx.restore();
      network.txLabels = placed;
    });
  }

  TXX.util.options = options;
  TXX.util.visNode = visNode;
  TXX.util.visEdge = visEdge;
  TXX.util.ready = ready;
  TXX.util.plural = plural;

  TXX.mini = function (elementId, D, opts) {
    var el = document.getElementById(elementId);
    if (!el || !window.vis || document.body.classList.contains('embedded')) return;
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
            // names are placed by the name layer below, never over one another
            var v = visNode(i, undefined, type, size, n[4], n[5], title, 13);
            v.name = n[1];
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
      order = list.slice().sort(function (a, b) { return (b.id === D.centre) - (a.id === D.centre) || b.size - a.size; })
        .map(function (v) { return [v.id, v.name, v.id === D.centre ? 15 : 12, v.id === D.centre]; });
    }
    var order = [];
    nameLayer(network, el, function () { return order; });

    network.on('click', function (p) {
      if (p.nodes.length && p.nodes[0] !== D.centre) TXX.panel.open(D.nodes[p.nodes[0]][0], D.nodes[p.nodes[0]][1]);
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


  // ------------------------------------------------------------------ side panel
  // A node's facts in place: its own page, shown compact in a frame beside the network
  // (the page has labels, type, places, years, relations with their sentences, figures,
  // mentions). Links inside open in the whole window. ``onExpand`` is set by the overview.
  TXX.panel = (function () {
    var box = null, frame = null, title = null, current = null;
    function build() {
      if (box) return;
      box = document.createElement('aside');
      box.id = 'side';
      box.className = 'side';
      box.hidden = true;
      box.innerHTML =
        '<div class="side-bar"><b class="side-title"></b>' +
        '<button type="button" class="side-expand" title="add its neighbours to the view">expand 展开</button>' +
        '<a class="side-open" title="open its full page">full page →</a>' +
        '<button type="button" class="side-close" aria-label="close">×</button></div>' +
        '<iframe class="side-frame" title="facts"></iframe>';
      document.body.appendChild(box);
      frame = box.querySelector('iframe');
      title = box.querySelector('.side-title');
      box.querySelector('.side-close').addEventListener('click', close);
      box.querySelector('.side-expand').addEventListener('click', function () {
        if (TXX.panel.onExpand && current) TXX.panel.onExpand(current);
      });
    }
    function open(href, label, key) {
      build();
      current = key === undefined ? href : key;
      title.textContent = label;
      box.querySelector('.side-open').href = ROOT + href;
      box.querySelector('.side-expand').hidden = !TXX.panel.onExpand;
      frame.src = ROOT + href + '#panel';
      box.hidden = false;
      document.body.classList.add('has-side');
    }
    function close() {
      if (!box) return;
      box.hidden = true;
      current = null;
      document.body.classList.remove('has-side');
      if (TXX.panel.onClose) TXX.panel.onClose();
    }
    return { open: open, close: close, onExpand: null, onClose: null };
  })();

  // ------------------------------------------------------------------ small page behaviours
  if (window.location.hash === '#panel' && window.top !== window.self) {
    // inside the side panel: compact, and links leave the frame
    document.body.classList.add('embedded');
    var base = document.createElement('base');
    base.target = '_top';
    document.head.appendChild(base);
  }
  TXX.embedded = document.body.classList.contains('embedded');

  var menu = document.querySelector('.menu-btn');
  if (menu) {
    menu.addEventListener('click', function () {
      var open = document.body.classList.toggle('menu-open');
      menu.setAttribute('aria-expanded', open ? 'true' : 'false');
    });
  }

  // a year filter hides the blocks (mention lists, timeline years) of other years
  Array.prototype.forEach.call(document.querySelectorAll('select.year-filter'), function (select) {
    select.addEventListener('change', function () {
      var year = select.value;
      Array.prototype.forEach.call(document.querySelectorAll(select.getAttribute('data-target')), function (el) {
        el.hidden = !!year && el.getAttribute('data-year') !== year;
      });
    });
  });
  // the timeline's kinds
  Array.prototype.forEach.call(document.querySelectorAll('input[data-kind]'), function (box) {
    box.addEventListener('change', function () {
      var kind = box.getAttribute('data-kind');
      Array.prototype.forEach.call(document.querySelectorAll('.tl-item'), function (li) {
        if (li.getAttribute('data-kind') === kind) li.hidden = !box.checked;
      });
    });
  });

  // ------------------------------------------------------------------ map
  // D.measures: measure → place id → value; areas are coloured from pale to dark by value
  TXX.map = function (D) {
    var select = document.getElementById('map-measure');
    var legend = document.getElementById('map-legend');
    function paint() {
      var values = D.measures[select.value];
      var max = 0;
      Object.keys(values).forEach(function (k) { max = Math.max(max, values[k]); });
      Array.prototype.forEach.call(document.querySelectorAll('#map polygon.area'), function (poly) {
        var place = poly.parentNode.getAttribute('data-place');
        var v = values[place] || 0;
        var t = max ? Math.sqrt(v / max) : 0; // square root: one project still shows against fifty
        var light = Math.round(94 - 52 * t);
        poly.style.fill = 'hsl(200, 60%, ' + light + '%)';
      });
      Array.prototype.forEach.call(document.querySelectorAll('#map text.mapvalue'), function (text) {
        text.textContent = String(values[text.getAttribute('data-place')] || 0);
      });
      legend.textContent = D.names[select.value] + ': 0 (pale) to ' + max + ' (dark)';
      document.body.setAttribute('data-map', select.value);
    }
    select.addEventListener('change', paint);
    paint();
  };
})();
