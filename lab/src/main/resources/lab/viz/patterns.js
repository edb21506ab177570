// Attention pattern figures of lab.viz pages: token hover, cell tooltips, and (for run reports,
// which carry patterns as data) building a figure from weights. Weights come from the cells'
// data-* attributes; text is set with textContent only, so no token can inject markup.
// LabPatterns is shared by the standalone pattern page (figures rendered by the server) and the
// run report (figures built here on demand from its embedded patterns.json).
var LabPatterns = (function () {
  'use strict';
  // The SVG namespace, from the HTML parser: a report holds no URL at all, not even this one.
  var SVG = (function () { var d = document.createElement('div'); d.innerHTML = '<svg></svg>'; return d.firstChild.namespaceURI; })();
  var currentCell = null;

  function tip() { return document.getElementById('viz-tooltip'); }

  // weights[q][k] of one figure, read once from its cells.
  function weightsOf(figure) {
    if (!figure.weights) {
      var w = [];
      var cells = figure.querySelectorAll('rect.cell');
      for (var i = 0; i < cells.length; i++) {
        var q = +cells[i].getAttribute('data-q');
        var k = +cells[i].getAttribute('data-k');
        (w[q] = w[q] || [])[k] = +cells[i].getAttribute('data-w');
      }
      figure.weights = w;
    }
    return figure.weights;
  }

  function clearTokens(figure) {
    var toks = figure.querySelectorAll('span.tok');
    for (var i = 0; i < toks.length; i++) {
      toks[i].style.backgroundColor = '';
      toks[i].classList.remove('focus', 'attended-by');
      toks[i].querySelector('.wk').textContent = '';
      toks[i].querySelector('.wq').textContent = '';
    }
  }

  // Token i as the query: blue by how much it attends to each key; as a key: orange underline on
  // the queries that attend to it. Returns how many tokens it attends to with weight >= 0.01.
  function focusToken(figure, i) {
    clearTokens(figure);
    var w = weightsOf(figure);
    var toks = figure.querySelectorAll('span.tok');
    var attended = 0;
    toks[i].classList.add('focus');
    for (var j = 0; j < toks.length; j++) {
      var toKey = w[i][j];
      if (toKey >= 0.01) {
        attended++;
        toks[j].style.backgroundColor = 'rgba(33, 113, 181, ' + (0.15 + 0.85 * toKey).toFixed(3) + ')';
        toks[j].querySelector('.wk').textContent = toKey.toFixed(2);
      }
      var fromQuery = w[j][i];
      if (j !== i && fromQuery >= 0.01) {
        toks[j].classList.add('attended-by');
        toks[j].querySelector('.wq').textContent = fromQuery.toFixed(2);
      }
    }
    return attended;
  }

  function tokenText(figure, i) {
    return i + ' ' + figure.querySelectorAll('span.tok')[i].querySelector('.t').textContent;
  }

  function showCell(cell, pageX, pageY) {
    var figure = cell.closest('figure');
    var t = tip();
    if (currentCell !== cell) {
      if (currentCell) { currentCell.classList.remove('hover'); }
      currentCell = cell;
      cell.classList.add('hover');
      var q = +cell.getAttribute('data-q');
      var k = +cell.getAttribute('data-k');
      t.textContent = 'query: ' + tokenText(figure, q) + '\nkey: ' + tokenText(figure, k)
        + '\nweight: ' + (+cell.getAttribute('data-w')).toFixed(3);
      t.hidden = false;
      focusToken(figure, q);
    }
    var x = pageX + 14;
    var maxX = window.scrollX + document.documentElement.clientWidth - t.offsetWidth - 4;
    t.style.left = Math.max(window.scrollX, Math.min(x, maxX)) + 'px';
    t.style.top = (pageY + 14) + 'px';
  }

  function hideCell() {
    if (currentCell) { currentCell.classList.remove('hover'); }
    currentCell = null;
    tip().hidden = true;
  }

  // The cell of query q's strongest key.
  function strongestCell(figure, q) {
    var row = figure.querySelectorAll('rect.cell[data-q="' + q + '"]');
    var strongest = row[0];
    for (var r = 1; r < row.length; r++) {
      if (+row[r].getAttribute('data-w') > +strongest.getAttribute('data-w')) { strongest = row[r]; }
    }
    return strongest;
  }

  function hoverCell(cell) {
    var box = cell.getBoundingClientRect();
    showCell(cell, box.left + window.scrollX + box.width / 2, box.top + window.scrollY + box.height / 2);
  }

  function wire(figure) {
    var cells = figure.querySelectorAll('rect.cell');
    for (var c = 0; c < cells.length; c++) {
      var title = cells[c].querySelector('title');
      if (title) { title.parentNode.removeChild(title); }
    }
    var tokens = figure.querySelector('div.tokens');
    tokens.addEventListener('mouseover', function (e) {
      var tok = e.target.closest('span.tok');
      if (tok) { focusToken(figure, +tok.getAttribute('data-i')); }
    });
    tokens.addEventListener('mouseleave', function () { clearTokens(figure); });
    var svg = figure.querySelector('svg.pattern');
    svg.addEventListener('mousemove', function (e) {
      if (e.target.classList && e.target.classList.contains('cell')) {
        showCell(e.target, e.pageX, e.pageY);
      } else {
        hideCell();
      }
    });
    svg.addEventListener('mouseleave', function () { hideCell(); clearTokens(figure); });
    return figure;
  }

  function short(i, token) {
    return i + ' ' + (token.length > 16 ? token.substring(0, 15) + '\u2026' : token);
  }

  // White at 0 to dark blue at 1, as lab.viz.AttentionPatternPage.blue.
  function blue(w) {
    var f = isNaN(w) ? 0 : Math.max(0, Math.min(1, w));
    function mix(a, b) { var v = Math.round(a + (b - a) * f); return (v < 16 ? '0' : '') + v.toString(16); }
    return '#' + mix(255, 8) + mix(255, 48) + mix(255, 107);
  }

  function svgElement(name, attrs, text) {
    var el = document.createElementNS(SVG, name);
    for (var a in attrs) { el.setAttribute(a, attrs[a]); }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  // A figure as lab.viz.AttentionPatternPage writes one (same classes, attributes and layout), for
  // patterns that arrive as data: name, tokens, weights[query][key].
  function build(name, tokens, weights) {
    var figure = document.createElement('figure');
    figure.className = 'pattern';
    figure.setAttribute('data-head', name);
    var h3 = document.createElement('h3');
    h3.textContent = name;
    figure.appendChild(h3);
    var div = document.createElement('div');
    div.className = 'tokens';
    for (var i = 0; i < tokens.length; i++) {
      var tok = document.createElement('span');
      tok.className = 'tok';
      tok.setAttribute('data-i', String(i));
      ['t', 'wk', 'wq'].forEach(function (cls) {
        var s = document.createElement('span');
        s.className = cls;
        if (cls === 't') { s.textContent = tokens[i]; }
        tok.appendChild(s);
      });
      div.appendChild(tok);
    }
    figure.appendChild(div);
    var n = tokens.length;
    var longest = Math.min(16, tokens.reduce(function (m, t) { return Math.max(m, t.length); }, 1));
    var cell = Math.max(6, Math.min(28, Math.floor(560 / n)));
    var left = 8 + 7 * longest + 30;
    var top = 24;
    var bottom = 8 + 7 * longest + 24;
    var svg = svgElement('svg', {'class': 'pattern', width: left + n * cell + 10, height: top + n * cell + bottom, role: 'img'});
    svg.appendChild(svgElement('text', {'class': 'axis-name', x: left, y: 14}, 'query (rows) x key (columns)'));
    for (var q = 0; q < n; q++) {
      for (var k = 0; k < n; k++) {
        var w = weights[q][k];
        svg.appendChild(svgElement('rect', {'class': 'cell', x: left + k * cell, y: top + q * cell, width: cell,
          height: cell, fill: blue(w), 'data-q': q, 'data-k': k, 'data-w': w.toFixed(4)}));
      }
    }
    for (var t = 0; t < n; t++) {
      svg.appendChild(svgElement('text', {'class': 'tick', x: left - 6, y: top + t * cell + Math.floor(cell / 2) + 4,
        'text-anchor': 'end'}, short(t, tokens[t])));
      var x = left + t * cell + Math.floor(cell / 2);
      var y = top + n * cell + 8;
      svg.appendChild(svgElement('text', {'class': 'tick', x: x, y: y, 'text-anchor': 'end',
        transform: 'rotate(-60 ' + x + ' ' + y + ')'}, short(t, tokens[t])));
    }
    svg.appendChild(svgElement('rect', {'class': 'frame', x: left, y: top, width: n * cell, height: n * cell}));
    figure.appendChild(svg);
    return wire(figure);
  }

  return {build: build, wire: wire, focusToken: focusToken, strongestCell: strongestCell, hoverCell: hoverCell,
    tipText: function () { return tip().textContent; }};
})();

// The standalone pattern page (lab.viz.AttentionPatternPage): its head picker and self-test.
(function () {
  'use strict';
  var select = document.getElementById('head');
  var figures = document.querySelectorAll('figure.pattern');
  if (!select || figures.length === 0) { return; }

  function showHead(name) {
    for (var i = 0; i < figures.length; i++) {
      figures[i].hidden = figures[i].getAttribute('data-head') !== name;
    }
  }

  function visibleFigure() {
    for (var i = 0; i < figures.length; i++) {
      if (!figures[i].hidden) { return figures[i]; }
    }
    return null;
  }

  for (var f = 0; f < figures.length; f++) { LabPatterns.wire(figures[f]); }
  select.addEventListener('change', function () { showHead(select.value); });
  document.body.setAttribute('data-viz-ready', String(document.querySelectorAll('svg.pattern rect.cell').length));

  // Render checks cannot click or hover: with #viz-selftest the page picks the last head, hovers
  // its last token, then the cell of that token's strongest key, and records the tooltip, the head
  // shown and how many tokens the token hover coloured.
  if (window.location.hash === '#viz-selftest') {
    select.value = figures[figures.length - 1].getAttribute('data-head');
    select.dispatchEvent(new Event('change'));
    var shown = visibleFigure();
    var last = shown.querySelectorAll('span.tok').length - 1;
    var coloured = LabPatterns.focusToken(shown, last);
    LabPatterns.hoverCell(LabPatterns.strongestCell(shown, last));
    document.body.setAttribute('data-viz-selftest', LabPatterns.tipText().replace(/\n/g, ' | ')
      + ' | shown: ' + shown.getAttribute('data-head') + ' | highlighted: ' + coloured);
  }
})();
