// Head picker, token hover and cell tooltips of a lab.viz attention pattern page. Weights come
// from the cells' data-* attributes (written and escaped by the server); text is set with
// textContent only, so no token can inject markup.
(function () {
  'use strict';
  var tip = document.getElementById('viz-tooltip');
  var select = document.getElementById('head');
  var figures = document.querySelectorAll('figure.pattern');
  var allCells = document.querySelectorAll('svg.pattern rect.cell');
  var currentCell = null;

  function visibleFigure() {
    for (var i = 0; i < figures.length; i++) {
      if (!figures[i].hidden) { return figures[i]; }
    }
    return null;
  }

  function showHead(name) {
    for (var i = 0; i < figures.length; i++) {
      figures[i].hidden = figures[i].getAttribute('data-head') !== name;
    }
  }

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
    if (currentCell !== cell) {
      if (currentCell) { currentCell.classList.remove('hover'); }
      currentCell = cell;
      cell.classList.add('hover');
      var q = +cell.getAttribute('data-q');
      var k = +cell.getAttribute('data-k');
      tip.textContent = 'query: ' + tokenText(figure, q) + '\nkey: ' + tokenText(figure, k)
        + '\nweight: ' + (+cell.getAttribute('data-w')).toFixed(3);
      tip.hidden = false;
      focusToken(figure, q);
    }
    var x = pageX + 14;
    var maxX = window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4;
    tip.style.left = Math.max(window.scrollX, Math.min(x, maxX)) + 'px';
    tip.style.top = (pageY + 14) + 'px';
  }

  function hideCell() {
    if (currentCell) { currentCell.classList.remove('hover'); }
    currentCell = null;
    tip.hidden = true;
  }

  for (var c = 0; c < allCells.length; c++) {
    var title = allCells[c].querySelector('title');
    if (title) { title.parentNode.removeChild(title); }
  }
  select.addEventListener('change', function () { showHead(select.value); });
  for (var f = 0; f < figures.length; f++) {
    (function (figure) {
      figure.querySelector('div.tokens').addEventListener('mouseover', function (e) {
        var tok = e.target.closest('span.tok');
        if (tok) { focusToken(figure, +tok.getAttribute('data-i')); }
      });
      figure.querySelector('div.tokens').addEventListener('mouseleave', function () { clearTokens(figure); });
      var svg = figure.querySelector('svg.pattern');
      svg.addEventListener('mousemove', function (e) {
        if (e.target.classList && e.target.classList.contains('cell')) {
          showCell(e.target, e.pageX, e.pageY);
        } else {
          hideCell();
        }
      });
      svg.addEventListener('mouseleave', function () { hideCell(); clearTokens(figure); });
    })(figures[f]);
  }

  document.body.setAttribute('data-viz-ready', String(allCells.length));

  // Render checks cannot click or hover: with #viz-selftest the page picks the last head, hovers
  // its last token, then the cell of that token's strongest key, and records the tooltip, the head
  // shown and how many tokens the token hover coloured.
  if (window.location.hash === '#viz-selftest' && figures.length > 0) {
    select.value = figures[figures.length - 1].getAttribute('data-head');
    select.dispatchEvent(new Event('change'));
    var shown = visibleFigure();
    var last = shown.querySelectorAll('span.tok').length - 1;
    var coloured = focusToken(shown, last);
    var row = shown.querySelectorAll('rect.cell[data-q="' + last + '"]');
    var strongest = row[0];
    for (var r = 1; r < row.length; r++) {
      if (+row[r].getAttribute('data-w') > +strongest.getAttribute('data-w')) { strongest = row[r]; }
    }
    var box = strongest.getBoundingClientRect();
    showCell(strongest, box.left + window.scrollX + box.width / 2, box.top + window.scrollY + box.height / 2);
    document.body.setAttribute('data-viz-selftest', tip.textContent.replace(/\n/g, ' | ')
      + ' | shown: ' + shown.getAttribute('data-head') + ' | highlighted: ' + coloured);
  }
})();
