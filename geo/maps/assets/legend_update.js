// Fills the legend's dynamic slot (legend.js) and keeps the html for a legend drawn later.
function jpLegendUpdate(html) {
  window.__jpLegendDyn = html;
  var els = document.querySelectorAll('.jp-legend-dyn');
  for (var i = 0; i < els.length; i++) { els[i].innerHTML = window.__jpLegendDyn; }
}
