// The run report's attention patterns: the clean run's hook_pattern of a few examples arrives as
// data (patterns.json, embedded in a <script type="application/json">); a click on a cell of a
// layer x head map (or a head and an example picked from the lists) builds that head's figure with
// LabPatterns (patterns.js), with the same hovers as the standalone pattern page.
(function () {
  'use strict';
  var data = document.getElementById('pattern-data');
  if (!data) { return; }
  var patterns = JSON.parse(data.textContent);
  var headSelect = document.getElementById('pattern-head');
  var exampleSelect = document.getElementById('pattern-example');
  var view = document.getElementById('pattern-view');

  function open(head, example) {
    var h = patterns.heads.indexOf(head);
    if (h < 0) { return null; }
    headSelect.value = head;
    exampleSelect.value = String(example);
    var ex = patterns.examples[example];
    var figure = LabPatterns.build(head + ' on ' + ex.id, ex.tokens, ex.patterns[h]);
    view.replaceChildren(figure);
    return figure;
  }

  function openSelected() { open(headSelect.value, +exampleSelect.value); }
  headSelect.addEventListener('change', openSelected);
  exampleSelect.addEventListener('change', openSelected);

  // The head a heatmap cell stands for: layer x head maps, or head labels "L.H" (pair maps: the row's head).
  function headOf(cell) {
    var svg = cell.ownerSVGElement;
    if (svg.getAttribute('data-row-axis') === 'layer' && svg.getAttribute('data-col-axis') === 'head') {
      return 'L' + cell.getAttribute('data-row') + 'H' + cell.getAttribute('data-col');
    }
    var m = /^(\d+)\.(\d+)$/.exec(cell.getAttribute('data-row'));
    return m ? 'L' + m[1] + 'H' + m[2] : null;
  }

  var clickable = [];
  var maps = document.querySelectorAll('svg.heatmap');
  for (var i = 0; i < maps.length; i++) {
    var first = maps[i].querySelector('rect.cell');
    if (!first || patterns.heads.indexOf(headOf(first)) < 0) { continue; }
    clickable.push(maps[i]);
    maps[i].classList.add('opens-pattern');
    maps[i].addEventListener('click', function (e) {
      // A reader's click scrolls the figure into view; the self-test's does not, so that its screenshot shows the page's top.
      if (e.target.classList && e.target.classList.contains('cell') && open(headOf(e.target), +exampleSelect.value)
          && e.isTrusted) {
        view.scrollIntoView({block: 'nearest'});
      }
    });
  }

  // With #viz-selftest: click the last cell of the first head map (or pick the last head), hover
  // the pattern's last token, then its strongest cell, and append what happened to data-viz-selftest.
  if (window.location.hash === '#viz-selftest') {
    var how = 'picked';
    if (clickable.length > 0) {
      var cells = clickable[0].querySelectorAll('rect.cell');
      cells[cells.length - 1].dispatchEvent(new MouseEvent('click', {bubbles: true}));
      how = 'clicked';
    } else {
      headSelect.value = patterns.heads[patterns.heads.length - 1];
      headSelect.dispatchEvent(new Event('change'));
    }
    var figure = view.querySelector('figure.pattern');
    var toks = figure.querySelectorAll('span.tok');
    var last = toks.length - 1;
    toks[last].querySelector('.t').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    var coloured = figure.querySelectorAll('span.tok .wk:not(:empty)').length;
    toks[0].querySelector('.t').dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    var attendedBy = figure.querySelectorAll('span.tok.attended-by').length;
    LabPatterns.hoverCell(LabPatterns.strongestCell(figure, last));
    document.body.setAttribute('data-viz-selftest', (document.body.getAttribute('data-viz-selftest') || '')
      + ' | pattern ' + how + ': ' + figure.getAttribute('data-head') + ' | last token attends to: ' + coloured
      + ' | first token attended by: ' + attendedBy + ' | ' + LabPatterns.tipText().replace(/\n/g, ' | '));
  }
})();
