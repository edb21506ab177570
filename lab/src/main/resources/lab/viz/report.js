// Hover tooltips for the heatmap cells of a lab.viz report. Reads only data-* attributes written
// (escaped) by the server and shows them with textContent, so no label can inject markup.
(function () {
  'use strict';
  var tip = document.getElementById('viz-tooltip');
  var cells = document.querySelectorAll('svg.heatmap rect.cell');
  var current = null;

  function describe(cell) {
    var svg = cell.ownerSVGElement;
    return svg.getAttribute('data-row-axis') + ': ' + cell.getAttribute('data-row') + '\n'
      + svg.getAttribute('data-col-axis') + ': ' + cell.getAttribute('data-col') + '\n'
      + svg.getAttribute('data-value-label') + ': ' + cell.getAttribute('data-shown');
  }

  function show(cell, pageX, pageY) {
    if (current !== cell) {
      if (current) { current.classList.remove('hover'); }
      current = cell;
      cell.classList.add('hover');
      tip.textContent = describe(cell);
      tip.hidden = false;
    }
    // Keep the tooltip inside the window when hovering near its right edge.
    var x = pageX + 14;
    var maxX = window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 4;
    tip.style.left = Math.max(window.scrollX, Math.min(x, maxX)) + 'px';
    tip.style.top = (pageY + 14) + 'px';
  }

  function hide() {
    if (current) { current.classList.remove('hover'); }
    current = null;
    tip.hidden = true;
  }

  // The custom tooltip replaces the native <title> one, which stays in the file for readers
  // without scripts; leaving both would show two tooltips at once.
  for (var i = 0; i < cells.length; i++) {
    var title = cells[i].querySelector('title');
    if (title) { title.parentNode.removeChild(title); }
  }

  // One listener per heatmap rather than per cell: a layer x position map can have many thousands.
  var maps = document.querySelectorAll('svg.heatmap');
  for (var m = 0; m < maps.length; m++) {
    maps[m].addEventListener('mousemove', function (e) {
      if (e.target.classList && e.target.classList.contains('cell')) {
        show(e.target, e.pageX, e.pageY);
      } else {
        hide();
      }
    });
    maps[m].addEventListener('mouseleave', hide);
  }

  // Marker for automated render checks: the script ran and found this many cells.
  document.body.setAttribute('data-viz-ready', String(cells.length));

  // Render checks cannot hover; with #viz-selftest the page hovers its first cell itself so that a
  // screenshot shows the tooltip and the DOM records its text.
  if (window.location.hash === '#viz-selftest' && cells.length > 0) {
    var box = cells[0].getBoundingClientRect();
    show(cells[0], box.left + window.scrollX + box.width / 2, box.top + window.scrollY + box.height / 2);
    // One line, so that line-based tools can read the attribute back from a DOM dump.
    document.body.setAttribute('data-viz-selftest', tip.textContent.replace(/\n/g, ' | '));
  }
})();
