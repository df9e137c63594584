// Subdistrict name labels that stay readable: they are drawn below every marker (in Leaflet's
// shadow pane, between the outlines and the markers), and a label is shown only where a
// marker (a point, a cluster, a project) covers no more than a corner of it and where it
// does not overlap the label of a larger subdistrict: no half-covered names. A hidden name comes back as the map zooms in, and
// every name is also in its outline's tooltip. Called by geo.maps.layers.LabelDeclutter
// with the feature group of the labels:
//   jpLabels(group)
function jpLabels(group) {
  // the share of box a covered by box b
  function covered(a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? (w * h) / ((a.right - a.left) * (a.bottom - a.top)) : 0;
  }
  function start() {
    var map = group._map;
    if (!map) { return; }
    if (map.jpLabelsRun) { map.jpLabelsRun(); return; }
    var box = map.getContainer();
    function run() {
      // a marker's box, less its empty corners (circles, pins): what it really covers
      var markers = Array.prototype.map.call(
        box.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon'),
        function (el) { var r = el.getBoundingClientRect(), dx = r.width * 0.1, dy = r.height * 0.1;
          return {left: r.left + dx, right: r.right - dx, top: r.top + dy, bottom: r.bottom - dy}; });
      var els = Array.prototype.slice.call(box.querySelectorAll('.jp-sublabel[data-rank]'));
      els.sort(function (a, b) { return (+a.getAttribute('data-rank')) - (+b.getAttribute('data-rank')); });
      var labels = [];
      els.forEach(function (el) {
        var r = el.getBoundingClientRect();
        var hide = markers.some(function (m) { return covered(r, m) > 0.04; })
          || labels.some(function (l) { return covered(r, l) > 0; });
        el.classList.toggle('jp-hidden', hide);
        if (!hide) { labels.push(r); }
      });
    }
    var timer = null;
    function later() { clearTimeout(timer); timer = setTimeout(run, 80); }
    map.jpLabelsRun = later;
    // markers come and go as clusters split and merge (after their animation)
    map.on('zoomend viewreset resize layeradd layerremove', later);
    later();
  }
  if (group._map) { start(); } else { group.once('add', start); }
}
